/**
 * genai_config.json for a single-decoder model (ORT GenAI's schema): sizes, I/O names, provider options and
 * search defaults, taking token ids and sampling settings from generation_config.json where the source has one.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ParseError } from '../errors.ts';
import { readSmallTextFile } from '../fs/regular-file.ts';
import { MAX_CONFIG_BYTES, type HfConfig } from '../hf/config.ts';
import type { AttentionKind } from './build-context.ts';
import type { Architecture } from '../arch/architecture.ts';
import type { ExecutionProvider } from '../providers.ts';
import { GENAI_CONFIG_FILE } from '../layout/output-layout.ts';

export { GENAI_CONFIG_FILE };

type TokenId = number | number[] | null | undefined;

interface GenerationConfig {
  bos_token_id?: TokenId;
  eos_token_id?: TokenId;
  pad_token_id?: TokenId;
  do_sample?: boolean;
  temperature?: number;
  top_k?: number;
  top_p?: number;
  repetition_penalty?: number;
}

async function readGenerationConfig(modelDir: string): Promise<GenerationConfig> {
  const file = path.join(modelDir, 'generation_config.json');
  const text = await readSmallTextFile(file, MAX_CONFIG_BYTES, 'generation_config.json');
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as GenerationConfig;
  } catch (error) {
    throw new ParseError(file, `not valid JSON (${(error as Error).message})`);
  }
}

function firstId(id: TokenId): number | undefined {
  return Array.isArray(id) ? id[0] : (id ?? undefined);
}

export interface GenaiConfigInput {
  modelDir: string;
  config: HfConfig;
  spec: Architecture;
  modelFileName: string;
  contextLength: number;
  provider: ExecutionProvider;
  /** GroupQueryAttention can update a shared max-length KV buffer in place; the standard-operator form cannot. */
  attention: AttentionKind;
}

function providerOptions(provider: ExecutionProvider): unknown[] {
  return provider === 'CUDAExecutionProvider' ? [{ cuda: {} }] : [];
}

export async function genaiConfig(input: GenaiConfigInput): Promise<Record<string, unknown>> {
  const generation = await readGenerationConfig(input.modelDir);
  const { config, spec } = input;
  const eos = generation.eos_token_id ?? config.eos_token_id ?? null;
  return {
    model: {
      bos_token_id: firstId(generation.bos_token_id ?? config.bos_token_id) ?? null,
      context_length: input.contextLength,
      decoder: {
        session_options: { log_id: 'onnxruntime-genai', provider_options: providerOptions(input.provider) },
        filename: input.modelFileName,
        head_size: spec.headDim,
        hidden_size: spec.hidden,
        inputs: { input_ids: 'input_ids', attention_mask: 'attention_mask', past_key_names: 'past_key_values.%d.key', past_value_names: 'past_key_values.%d.value' },
        outputs: { logits: 'logits', present_key_names: 'present.%d.key', present_value_names: 'present.%d.value' },
        num_attention_heads: spec.heads,
        num_hidden_layers: spec.layers,
        num_key_value_heads: spec.kvHeads,
      },
      eos_token_id: eos,
      pad_token_id: firstId(generation.pad_token_id ?? config.pad_token_id) ?? firstId(eos) ?? null,
      type: spec.arch,
      vocab_size: spec.vocab,
    },
    search: {
      diversity_penalty: 0,
      do_sample: generation.do_sample ?? false,
      early_stopping: true,
      length_penalty: 1,
      max_length: input.contextLength,
      min_length: 0,
      no_repeat_ngram_size: 0,
      num_beams: 1,
      num_return_sequences: 1,
      // GroupQueryAttention can write the new keys into a max-length buffer in place; ORT GenAI does so on CUDA.
      past_present_share_buffer: input.provider === 'CUDAExecutionProvider' && input.attention === 'group-query',
      repetition_penalty: generation.repetition_penalty ?? 1,
      temperature: generation.temperature ?? 1,
      top_k: generation.top_k ?? 1,
      top_p: generation.top_p ?? 1,
    },
  };
}

export async function writeGenaiConfig(outDir: string, input: GenaiConfigInput): Promise<string> {
  const file = path.join(outDir, GENAI_CONFIG_FILE);
  await writeFile(file, `${JSON.stringify(await genaiConfig(input), null, 4)}\n`);
  return file;
}
