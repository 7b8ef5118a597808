/**
 * What the builder needs to know about a checkpoint, read from config.json and checked: sizes, rotary, which
 * optional parts (q/k/v bias, fused projections, tied embeddings, sliding window) the architecture has. Config
 * fields that change the math and are not implemented are refused here, before anything is written.
 */
import { OliveError } from '../errors.ts';
import { architecture, headDim, kvHeads, type HfConfig } from '../hf/config.ts';
import { ropeSpec, type RopeSpec } from './rope-spec.ts';

export type DecoderFamily = 'llama' | 'mistral' | 'qwen2' | 'phi3';

export const SUPPORTED_ARCHITECTURES: Record<string, DecoderFamily> = {
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'mistral',
  Qwen2ForCausalLM: 'qwen2',
  Phi3ForCausalLM: 'phi3',
};

export interface DecoderSpec {
  architecture: string;
  family: DecoderFamily;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  rmsNormEps: number;
  rope: RopeSpec;
  maxPositions: number;
  /** Keys at most this many positions back (self included) are visible; undefined = full causal attention. */
  slidingWindow: number | undefined;
  tiedEmbeddings: boolean;
  qkvBias: boolean;
  /** Phi-3 stores q, k, v as one qkv_proj and gate, up as one gate_up_proj. */
  fusedProjections: boolean;
}

/** transformers' default when config.json omits rms_norm_eps. */
const DEFAULT_RMS_NORM_EPS = 1e-6;

/** config.json's model_type, for configs that lack an architectures list. */
const FAMILY_BY_MODEL_TYPE: Record<string, DecoderFamily> = { llama: 'llama', mistral: 'mistral', qwen2: 'qwen2', phi3: 'phi3' };

function familyOf(config: HfConfig): DecoderFamily {
  const name = architecture(config);
  const family = config.architectures?.length ? SUPPORTED_ARCHITECTURES[name] : FAMILY_BY_MODEL_TYPE[name];
  if (!family) {
    throw new OliveError(
      `architecture '${name}' cannot be converted: olive-node builds ${Object.keys(SUPPORTED_ARCHITECTURES).join(', ')}; ` +
        'give an existing ONNX export (a .onnx file or a folder holding one) instead',
    );
  }
  return family;
}

function refuse(field: string, value: unknown, why: string): never {
  throw new OliveError(`config.json: ${field} = ${JSON.stringify(value)} is not supported (${why}); building it would give a wrong model`);
}

/** Fields that change the math and that no supported architecture here implements. */
function refuseUnimplemented(config: HfConfig, family: DecoderFamily): void {
  if (config.hidden_act !== undefined && config.hidden_act !== 'silu') refuse('hidden_act', config.hidden_act, 'only silu is implemented');
  const partial = config.partial_rotary_factor;
  if (partial !== undefined && partial !== 1) refuse('partial_rotary_factor', partial, 'only full rotary embeddings are implemented');
  if (config.attention_bias === true && family !== 'qwen2') refuse('attention_bias', true, 'q/k/v/o biases are only implemented as Qwen2 has them');
  if (config.mlp_bias === true) refuse('mlp_bias', true, 'MLP biases are not implemented');
  for (const field of ['qk_norm', 'use_qk_norm', 'attn_logit_softcapping', 'final_logit_softcapping', 'logits_scaling', 'embedding_multiplier']) {
    if (config[field] !== undefined && config[field] !== null && config[field] !== false) refuse(field, config[field], 'not implemented');
  }
  if (family === 'qwen2' && config.use_sliding_window === true) refuse('use_sliding_window', true, 'per-layer windows (max_window_layers) are not implemented');
}

function slidingWindowOf(config: HfConfig, family: DecoderFamily): number | undefined {
  if (family === 'llama' || family === 'qwen2') return undefined;
  const window = config.sliding_window;
  if (window === undefined || window === null) return undefined;
  if (!Number.isSafeInteger(window) || window <= 0) refuse('sliding_window', window, 'must be a positive integer or null');
  return window;
}

function checkHeads(numHeads: number, numKvHeads: number, dim: number): void {
  if (!Number.isSafeInteger(numKvHeads) || numKvHeads <= 0 || numHeads % numKvHeads !== 0) {
    throw new OliveError(`config.json: num_key_value_heads (${numKvHeads}) must divide num_attention_heads (${numHeads})`);
  }
  if (!Number.isSafeInteger(dim) || dim <= 0 || dim % 2 !== 0) throw new OliveError(`config.json: head_dim (${dim}) must be a positive even integer`);
}

export function decoderSpec(config: HfConfig): DecoderSpec {
  const family = familyOf(config);
  refuseUnimplemented(config, family);
  const dim = headDim(config);
  const numKvHeads = kvHeads(config);
  checkHeads(config.num_attention_heads, numKvHeads, dim);
  const maxPositions = config.max_position_embeddings;
  if (!Number.isSafeInteger(maxPositions) || maxPositions! <= 0) throw new OliveError('config.json: max_position_embeddings must be a positive integer');
  return {
    architecture: Object.keys(SUPPORTED_ARCHITECTURES).find((name) => SUPPORTED_ARCHITECTURES[name] === family)!,
    family,
    vocabSize: config.vocab_size,
    hiddenSize: config.hidden_size,
    intermediateSize: config.intermediate_size,
    numLayers: config.num_hidden_layers,
    numHeads: config.num_attention_heads,
    numKvHeads,
    headDim: dim,
    rmsNormEps: config.rms_norm_eps ?? DEFAULT_RMS_NORM_EPS,
    rope: ropeSpec(config, dim),
    maxPositions: maxPositions!,
    slidingWindow: slidingWindowOf(config, family),
    // The four config classes default tie_word_embeddings to false.
    tiedEmbeddings: config.tie_word_embeddings ?? false,
    qkvBias: family === 'qwen2',
    fusedProjections: family === 'phi3',
  };
}
