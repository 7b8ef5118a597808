/**
 * config.json of a Hugging Face causal LM: the fields the architectures here read. Unknown fields are kept (the
 * builder refuses those that change the math and that it does not implement).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OliveError, ParseError } from '../errors.ts';

export interface RopeScaling {
  type?: string;
  rope_type?: string;
  factor?: number;
  low_freq_factor?: number;
  high_freq_factor?: number;
  original_max_position_embeddings?: number;
  short_factor?: number[];
  long_factor?: number[];
  [key: string]: unknown;
}

export interface HfConfig {
  architectures?: string[];
  model_type?: string;
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads?: number;
  head_dim?: number;
  hidden_act?: string;
  max_position_embeddings?: number;
  original_max_position_embeddings?: number;
  rms_norm_eps?: number;
  rope_theta?: number;
  rope_scaling?: RopeScaling | null;
  partial_rotary_factor?: number;
  tie_word_embeddings?: boolean;
  attention_bias?: boolean;
  mlp_bias?: boolean;
  sliding_window?: number | null;
  use_sliding_window?: boolean;
  bos_token_id?: number | number[];
  eos_token_id?: number | number[];
  pad_token_id?: number | null;
  torch_dtype?: string;
  [key: string]: unknown;
}

const REQUIRED = ['vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads'] as const;

export function parseConfig(file: string, text: string): HfConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ParseError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ParseError(file, 'is not a JSON object');
  const config = parsed as HfConfig;
  for (const key of REQUIRED) {
    if (!Number.isSafeInteger(config[key]) || config[key] <= 0) throw new ParseError(file, `'${key}' must be a positive integer`);
  }
  return config;
}

export async function readConfig(dir: string): Promise<HfConfig> {
  const file = path.join(dir, 'config.json');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new OliveError(`no config.json in ${dir}`);
  });
  return parseConfig(file, text);
}

/** Derived sizes every stage needs; head_dim may be given apart from hidden/heads (e.g. some Qwen and Mistral). */
export function headDim(config: HfConfig): number {
  return config.head_dim ?? config.hidden_size / config.num_attention_heads;
}

export function kvHeads(config: HfConfig): number {
  return config.num_key_value_heads ?? config.num_attention_heads;
}

/** The architecture class, e.g. LlamaForCausalLM. */
export function architecture(config: HfConfig): string {
  return config.architectures?.[0] ?? config.model_type ?? 'unknown';
}
