/**
 * What a model folder says about generating: end-of-sequence ids (one or a list), context length and sampling
 * defaults. Token ids and lengths come from genai_config.json (the output's runtime configuration), then
 * generation_config.json, then config.json; sampling settings from generation_config.json, else Hugging Face's
 * defaults (genai_config.json's search block writes top_k 1 when the source gives none, which is not a choice).
 * Generation is greedy unless the caller asks to sample, whatever generation_config.json's do_sample says.
 */
import { GENAI_CONFIG_FILE, GENERATION_CONFIG_FILE, HF_CONFIG_FILE } from '../layout/output-layout.ts';
import { readJsonBeside } from '../layout/read-json-beside.ts';

export interface GenerationDefaults {
  eosTokenIds: number[];
  /** Longest sequence (prompt + generated) the model runs, when a config says. */
  contextLength: number | undefined;
  vocabSize: number | undefined;
  maxNewTokens: number | undefined;
  temperature: number;
  topK: number;
  topP: number;
}

/** Hugging Face's GenerationConfig defaults. */
const HF_SAMPLING = { temperature: 1, topK: 50, topP: 1 };

type Json = Record<string, unknown>;

export async function readGenerationDefaults(dir: string): Promise<GenerationDefaults> {
  const genai = await readJsonBeside(dir, GENAI_CONFIG_FILE);
  const generation = (await readJsonBeside(dir, GENERATION_CONFIG_FILE)) ?? {};
  const config = (await readJsonBeside(dir, HF_CONFIG_FILE)) ?? {};
  const model = asObject(genai?.model);
  const search = asObject(genai?.search);
  return {
    eosTokenIds: tokenIds(model.eos_token_id ?? generation.eos_token_id ?? config.eos_token_id),
    contextLength: positive(model.context_length) ?? positive(search.max_length) ?? positive(config.max_position_embeddings),
    vocabSize: positive(model.vocab_size) ?? positive(config.vocab_size),
    maxNewTokens: positive(generation.max_new_tokens),
    temperature: positive(generation.temperature) ?? HF_SAMPLING.temperature,
    topK: nonNegative(generation.top_k) ?? HF_SAMPLING.topK,
    topP: positive(generation.top_p) ?? HF_SAMPLING.topP,
  };
}

function tokenIds(value: unknown): number[] {
  const ids = Array.isArray(value) ? value : [value];
  return ids.filter((id): id is number => Number.isInteger(id) && (id as number) >= 0);
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function asObject(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}
