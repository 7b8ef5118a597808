/**
 * The layout of an output folder, in one place: what each file is called and what it holds. The converter, the
 * splitter, the pipeline's publisher, the runtime and `olive generate` all name files through this module.
 *
 * An unsplit output:   model.onnx + model.onnx.data, genai_config.json, tokenizer and config files (Olive's layout);
 *                      with --layout transformers.js the model is onnx/model{_fp16,_q4,_q4f16,_quantized}.onnx +
 *                      its `<file>_data`, as Transformers.js looks for them with its defaults (REFERENCE §10).
 * A split output:      split_0.onnx + split_0.onnx.data …, model_config.json (Olive's CompositeModel),
 *                      genai_config.json (decoder-pipeline), split_plan.json, tokenizer and config files.
 */
import { SUPPORT_FILES } from '../hf/model-files.ts';

/** The single decoder of an unsplit output (ONNX Runtime GenAI's `decoder.filename`). */
export const MODEL_FILE = 'model.onnx';

/** Olive's CompositeModel manifest of a split output (REFERENCE §4). */
export const MODEL_CONFIG_FILE = 'model_config.json';

/** ONNX Runtime GenAI's configuration: a decoder, or a decoder-pipeline for a split output (REFERENCE §5). */
export const GENAI_CONFIG_FILE = 'genai_config.json';

/** The plan a split output was cut by. */
export const SPLIT_PLAN_FILE = 'split_plan.json';

/** Hugging Face files copied beside the model (tokenizer, config, generation config). */
export const CARRIED_FILES: readonly string[] = SUPPORT_FILES;

/** File stem of split `index`: split_0.onnx, split_0.onnx.data, pipeline stage "split_0". */
export const splitName = (index: number): string => `split_${index}`;

/** The ONNX file of split `index`. */
export const splitFileName = (index: number): string => `${splitName(index)}.onnx`;

/** The external data file written beside an ONNX model file (a file name, not a path). */
export const dataFileName = (modelFileName: string): string => `${modelFileName}.data`;

/** How an unsplit output names its model: Olive's (the default, as `olive auto-opt` writes it) or Transformers.js's. */
export const OUTPUT_LAYOUTS = ['olive', 'transformers.js'] as const;
export type OutputLayout = (typeof OUTPUT_LAYOUTS)[number];

/** The folder Transformers.js's from_pretrained reads ONNX files from unless told another `subfolder`. */
export const TRANSFORMERS_JS_SUBFOLDER = 'onnx';

/** Where Transformers.js reads its per-model settings in config.json. */
export const TRANSFORMERS_JS_CONFIG_KEY = 'transformers.js_config';

/** The chat template file some models ship beside tokenizer_config.json (Transformers.js reads neither it nor a path to it). */
export const CHAT_TEMPLATE_FILE = 'chat_template.jinja';

/** The tokenizer settings Transformers.js reads a chat template from. */
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';

export type LayoutPrecision = 'fp32' | 'fp16' | 'int4' | 'int8';

/**
 * Transformers.js's file name for a model of this weight precision and activation (I/O) precision, the name its
 * `dtype` option selects: fp32 → model.onnx, fp16 → model_fp16.onnx, int4 → model_q4.onnx (q4f16 with fp16
 * activations), int8 → model_quantized.onnx (its 'q8'; it has no int8-with-fp16 name, so that is 'q8' too).
 */
export function transformersJsModelFile(precision: LayoutPrecision, ioPrecision: 'fp32' | 'fp16' | 'bf16'): string {
  const suffix = { fp32: '', fp16: '_fp16', int4: ioPrecision === 'fp16' ? '_q4f16' : '_q4', int8: '_quantized' }[precision];
  return `model${suffix}.onnx`;
}

/** Transformers.js's name for a model file's (single) external data file: `<file>_data`. */
export const transformersJsDataFile = (modelFileName: string): string => `${modelFileName}_data`;

/** An unsplit output's model and external data files, as paths relative to the output folder ('/'-separated). */
export interface UnsplitModelFiles {
  layout: OutputLayout;
  model: string;
  data: string;
}

export function unsplitModelFiles(layout: OutputLayout, precision: LayoutPrecision, ioPrecision: 'fp32' | 'fp16' | 'bf16'): UnsplitModelFiles {
  if (layout === 'olive') return { layout, model: MODEL_FILE, data: dataFileName(MODEL_FILE) };
  const model = transformersJsModelFile(precision, ioPrecision);
  return { layout, model: `${TRANSFORMERS_JS_SUBFOLDER}/${model}`, data: `${TRANSFORMERS_JS_SUBFOLDER}/${transformersJsDataFile(model)}` };
}

/** The tokenizer `olive generate` loads (Hugging Face tokenizers format). */
export const TOKENIZER_FILE = 'tokenizer.json';

/** Hugging Face generation defaults: eos ids, sampling settings. */
export const GENERATION_CONFIG_FILE = 'generation_config.json';

/** The Hugging Face model configuration carried beside the model. */
export const HF_CONFIG_FILE = 'config.json';

/**
 * An unsplit model written into a split staging folder only to validate the cascade against: its initializers
 * point into the splits' data files (no weight is written twice), and it is deleted before the folder is published.
 */
export const CHECK_MODEL_FILE = '.olive-unsplit-check.onnx';
