/**
 * config.json of a Hugging Face causal LM: the fields the architectures here read. Unknown fields are kept (the
 * builder refuses those that change the math and that it does not implement).
 */
import path from 'node:path';
import { OliveError, ParseError } from '../errors.ts';
import { readSmallTextFile } from '../fs/regular-file.ts';

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

/**
 * Real configs nest 3-4 levels (rope_scaling, quantization_config, text_config); the config travels into
 * model_config.json, and writing a value nested 100,000 deep overflows the stack.
 */
export const MAX_CONFIG_DEPTH = 64;

/** The deepest nesting of arrays and objects in a parsed JSON value, counted without recursion. */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_CONFIG_DEPTH) return deepest;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** Real configs are a few KB (longrope factor lists included); 16 MiB is past any, and is read into memory. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

const REQUIRED = ['vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads'] as const;

/**
 * Upper bounds far past any real model (the largest open ones have ~126 layers, hidden 16-25k, vocab 256k,
 * 1-10M positions): a config beyond them is broken or hostile, and stages size arrays and loops from these values.
 */
export const CONFIG_LIMITS: Record<string, number> = {
  num_hidden_layers: 4096,
  hidden_size: 1 << 17,
  intermediate_size: 1 << 20,
  vocab_size: 1 << 23,
  num_attention_heads: 1 << 12,
  num_key_value_heads: 1 << 12,
  head_dim: 1 << 14,
  max_position_embeddings: 1 << 24,
  original_max_position_embeddings: 1 << 24,
};

/** Optional fields the stages compute with: a value of the wrong kind would build a model ONNX Runtime cannot load. */
const OPTIONAL_INTEGERS = ['num_key_value_heads', 'head_dim', 'max_position_embeddings', 'original_max_position_embeddings'] as const;
const OPTIONAL_POSITIVE_NUMBERS = ['rms_norm_eps', 'rope_theta', 'partial_rotary_factor'] as const;
const OPTIONAL_BOOLEANS = ['tie_word_embeddings', 'attention_bias', 'mlp_bias', 'use_sliding_window'] as const;

function requireFieldKinds(file: string, config: HfConfig): void {
  for (const key of [...REQUIRED, ...OPTIONAL_INTEGERS]) {
    const value = config[key];
    if (value === undefined && !(REQUIRED as readonly string[]).includes(key)) continue;
    if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new ParseError(file, `'${key}' must be a positive integer, got ${shown(value)}`);
    if ((value as number) > CONFIG_LIMITS[key]) throw new ParseError(file, `'${key}' = ${value} is beyond the limit of ${CONFIG_LIMITS[key]} (no real model is that large)`);
  }
  for (const key of OPTIONAL_POSITIVE_NUMBERS) {
    const value = config[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
      throw new ParseError(file, `'${key}' must be a positive number, got ${shown(value)}`);
    }
  }
  for (const key of OPTIONAL_BOOLEANS) {
    if (config[key] !== undefined && typeof config[key] !== 'boolean') throw new ParseError(file, `'${key}' must be true or false, got ${shown(config[key])}`);
  }
  if (config.sliding_window !== undefined && config.sliding_window !== null && (!Number.isSafeInteger(config.sliding_window) || config.sliding_window <= 0)) {
    throw new ParseError(file, `'sliding_window' must be a positive integer or null, got ${shown(config.sliding_window)}`);
  }
  if (config.architectures !== undefined && (!Array.isArray(config.architectures) || !config.architectures.every((name) => typeof name === 'string'))) {
    throw new ParseError(file, `'architectures' must be a list of class names, got ${shown(config.architectures)}`);
  }
  requireRopeScalingKinds(file, config.rope_scaling);
}

function requireRopeScalingKinds(file: string, scaling: unknown): void {
  if (scaling === undefined || scaling === null) return;
  if (typeof scaling !== 'object' || Array.isArray(scaling)) throw new ParseError(file, `'rope_scaling' must be an object or null, got ${shown(scaling)}`);
  for (const [key, value] of Object.entries(scaling)) {
    const list = key === 'short_factor' || key === 'long_factor';
    const numeric = !list && (key.endsWith('factor') || key.endsWith('position_embeddings'));
    if (numeric && (typeof value !== 'number' || !Number.isFinite(value))) throw new ParseError(file, `'rope_scaling.${key}' must be a number, got ${shown(value)}`);
    if (list && (!Array.isArray(value) || value.length > CONFIG_LIMITS.head_dim || !value.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
      throw new ParseError(file, `'rope_scaling.${key}' must be a list of numbers`);
    }
  }
}

/** A config value for an error line, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export function parseConfig(file: string, text: string): HfConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ParseError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ParseError(file, 'is not a JSON object');
  if (nestingDepth(parsed) > MAX_CONFIG_DEPTH) throw new ParseError(file, `nests arrays or objects more than ${MAX_CONFIG_DEPTH} deep: refused`);
  const config = parsed as HfConfig;
  requireFieldKinds(file, config);
  return config;
}

export async function readConfig(dir: string): Promise<HfConfig> {
  const file = path.join(dir, 'config.json');
  const text = await readSmallTextFile(file, MAX_CONFIG_BYTES, 'config.json');
  if (text === undefined) throw new OliveError(`no config.json in ${dir}`);
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
