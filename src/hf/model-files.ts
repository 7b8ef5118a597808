/** The files of a Hugging Face model folder besides its weights, which conversion reads and outputs carry along. */

/** Tokenizer files: ONNX Runtime GenAI loads them from beside the model. */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'tokenizer.model',
  'vocab.json',
  'merges.txt',
  'chat_template.jinja',
] as const;

/** The model's configuration files. */
export const CONFIG_FILES = ['config.json', 'generation_config.json'] as const;

/** Every file besides the weights that travels with a model folder. */
export const SUPPORT_FILES: readonly string[] = [...TOKENIZER_FILES, ...CONFIG_FILES];
