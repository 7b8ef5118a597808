/** What `olive generate` takes and gives. */
import type { MemoryMode } from '../runtime/cascade/cascade-model.ts';
import type { ModelLayout } from '../runtime/cascade/model-files.ts';
import type { ExecutionProvider } from '../providers.ts';

export interface GenerateTextOptions {
  /** An output folder (split or unsplit) or one .onnx decoder. */
  model: string;
  /** Text to encode with the model's tokenizer; or give promptIds. */
  prompt?: string;
  promptIds?: number[];
  /** Render the prompt (and system message) with the model's chat template. */
  chat?: boolean;
  system?: string;
  /** Default: generation_config.json's max_new_tokens, else DEFAULT_MAX_NEW_TOKENS; never past the context. */
  maxNewTokens?: number;
  /** Default false: greedy. */
  doSample?: boolean;
  /** Sampling settings: each defaults to generation_config.json, else Hugging Face's default. */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  memory?: MemoryMode;
  maxMemoryBytes?: number;
  provider?: ExecutionProvider;
  /** Receives the text as it becomes final, token by token. */
  onText?: (text: string) => void;
}

export type StopReason = 'eos' | 'max_new_tokens' | 'context';

export interface GenerateTextResult {
  /** The generated text (special tokens skipped); null when the model has no tokenizer. */
  text: string | null;
  /** The generated ids, an end-of-sequence id included. */
  token_ids: number[];
  prompt_token_ids: number[];
  prompt_tokens: number;
  new_tokens: number;
  stop_reason: StopReason;
  load_seconds: number;
  prefill_tokens_per_s: number;
  decode_tokens_per_s: number;
  /** Median time of one decode step (robust on a shared machine); null with fewer than two new tokens. */
  decode_ms_per_token_median: number | null;
  /** Peak RSS of this process so far. */
  peak_rss_bytes: number;
  memory_mode: MemoryMode;
  provider: ExecutionProvider;
  layout: ModelLayout;
  model_files: string[];
}
