/**
 * The one registry of supported families. Each entry says, from its transformers modeling code: the config
 * class's defaults for fields that change the math, which math fields it implements (any other is refused),
 * which projections carry biases, how its layers attend and what else differs from Llama, and its module tree.
 * Cost tables, the planner, the converter and the fixture writer all read a family through this entry.
 */
import type { HfConfig, RopeScaling } from '../hf/config.ts';
import type { Architecture, LayerAttention } from './architecture.ts';
import { GEMMA3_LAYOUT, LLAMA_AS_OLIVE_WALKS_IT, LLAMA_MODEL_ROTARY, QWEN3_LAYOUT, type DecoderLayout } from './decoder-layouts.ts';
import { decoderModules } from './decoder-modules.ts';
import type { MathField } from './math-fields.ts';
import { refuseField } from './math-fields.ts';
import type { ModelDims, ProjectionBiases } from './model-dims.ts';
import { phi3Modules } from './phi3-modules.ts';
import { ropeParameters, ropeSpec } from './rope-config.ts';
import type { ArchName, ModuleSpec } from './types.ts';

export interface FamilyEntry {
  arch: ArchName;
  className: string;
  /** The config class's defaults for fields that change the math, used where config.json omits them. */
  defaults: Partial<HfConfig>;
  /** The math fields (math-fields.ts) its modeling code reads and the converter implements; any other is refused. */
  implements: readonly MathField[];
  /** RMSNorm multiplies by (normOffset + weight): 1 for Gemma's zero-centred norm weights. */
  normOffset: 0 | 1;
  biases: (config: HfConfig) => ProjectionBiases;
  /** The family's departures from the common (Llama) reading of its config, given that reading. */
  flavour: (config: HfConfig, common: Architecture) => Partial<Architecture>;
  /** Where a Llama-like family registers its modules; its q/k head norms and Gemma's four norms follow from it. */
  layout: DecoderLayout | undefined;
  /** The module tree in registration order (from the layout, or Phi-3's packed one). */
  modules: (dims: ModelDims) => ModuleSpec[];
}

const NO_BIASES: ProjectionBiases = { qkv: false, output: false, mlp: false };

/** Llama's attention_bias (q, k, v and o) and mlp_bias (gate, up, down), shared by the families built on it. */
const llamaBiases = (config: HfConfig): ProjectionBiases => ({ qkv: config.attention_bias === true, output: config.attention_bias === true, mlp: config.mlp_bias === true });

/** attention_bias only: Qwen3's and Gemma 3's MLPs are always bias-free. */
const attentionBiases = (config: HfConfig): ProjectionBiases => ({ ...llamaBiases(config), mlp: false });

/** Every layer attends through the same window (Mistral and Phi-3 read sliding_window; null means none). */
function uniformWindow(config: HfConfig, common: Architecture): LayerAttention[] {
  const window = config.sliding_window;
  if (window !== undefined && window !== null && (!Number.isSafeInteger(window) || window <= 0)) refuseField('sliding_window', window, 'must be a positive integer or null');
  return common.layerAttention.map((layer) => ({ ...layer, slidingWindow: window ?? undefined }));
}

function phi3Flavour(config: HfConfig, common: Architecture): Partial<Architecture> {
  return { fusedProjections: true, layerAttention: uniformWindow(config, common) };
}

/** SmolLM3: no_rope_layers[i] = 0 turns rotary off in layer i (default: every no_rope_layer_interval-th layer). */
function smollm3Flavour(config: HfConfig, common: Architecture): Partial<Architecture> {
  const given = config.no_rope_layers as unknown;
  const useRope = given ?? common.layerAttention.map((_, layer) => Number((layer + 1) % positiveInteger(config, 'no_rope_layer_interval') !== 0));
  if (!Array.isArray(useRope) || useRope.length !== common.layers || !useRope.every((v) => v === 0 || v === 1)) {
    refuseField('no_rope_layers', given, `must be ${common.layers} entries of 0 or 1`);
  }
  return { layerAttention: common.layerAttention.map((layer, i) => ({ ...layer, rotary: useRope[i] === 1 ? 'global' : 'none' })) };
}

function positiveInteger(config: HfConfig, field: string): number {
  const value = config[field];
  if (!Number.isSafeInteger(value) || (value as number) <= 0) refuseField(field, value, 'must be a positive integer');
  return value as number;
}

function positive(config: HfConfig, field: string): number {
  const value = config[field];
  if (typeof value !== 'number' || !(value > 0)) refuseField(field, value, 'must be a positive number');
  return value;
}

function graniteFlavour(config: HfConfig): Partial<Architecture> {
  return {
    embeddingScale: positive(config, 'embedding_multiplier'),
    residualScale: positive(config, 'residual_multiplier'),
    attentionScale: positive(config, 'attention_multiplier'),
    logitsDivisor: positive(config, 'logits_scaling'),
  };
}

const SLIDING = 'sliding_attention';
const FULL = 'full_attention';

/** Gemma 3's layer_types, or (older configs) every sliding_window_pattern-th layer full, the others sliding. */
function gemmaLayerTypes(config: HfConfig, layers: number): string[] {
  const given = config.layer_types as unknown;
  if (given === undefined || given === null) {
    const pattern = positiveInteger(config, 'sliding_window_pattern');
    return Array.from({ length: layers }, (_, layer) => ((layer + 1) % pattern !== 0 ? SLIDING : FULL));
  }
  if (!Array.isArray(given) || given.length !== layers || !given.every((t) => t === SLIDING || t === FULL)) {
    refuseField('layer_types', given, `must be ${layers} entries of '${SLIDING}' or '${FULL}'`);
  }
  return given as string[];
}

/**
 * Gemma 3's two rotary tables: transformers 5 writes rope_parameters per layer type; older configs give the
 * global one as rope_theta / rope_scaling and the sliding layers' base as rope_local_base_freq (no scaling).
 */
function gemmaRopes(config: HfConfig, common: Architecture): Pick<Architecture, 'rope' | 'localRope'> {
  const perType = config.rope_parameters as Record<string, RopeScaling | undefined> | undefined;
  if (perType?.[FULL] || perType?.[SLIDING]) {
    const full = perType[FULL];
    const sliding = perType[SLIDING];
    return { rope: ropeSpec(config, full, full?.rope_theta, common.rotaryDim), localRope: ropeSpec(config, sliding, sliding?.rope_theta, common.rotaryDim) };
  }
  return { rope: common.rope, localRope: ropeSpec(config, undefined, config.rope_local_base_freq, common.rotaryDim) };
}

function gemma3Flavour(config: HfConfig, common: Architecture): Partial<Architecture> {
  if (config.hidden_activation !== 'gelu_pytorch_tanh') refuseField('hidden_activation', config.hidden_activation, 'only gelu_pytorch_tanh is implemented');
  const window = positive(config, 'sliding_window');
  const softcap = config.final_logit_softcapping;
  const types = gemmaLayerTypes(config, common.layers);
  return {
    mlpActivation: 'gelu_tanh',
    embeddingScale: Math.sqrt(common.hidden),
    attentionScale: 1 / Math.sqrt(positive(config, 'query_pre_attn_scalar')),
    finalLogitSoftcap: softcap === undefined || softcap === null ? undefined : positive(config, 'final_logit_softcapping'),
    ...gemmaRopes(config, common),
    layerAttention: types.map((type) => (type === SLIDING ? { rotary: 'local', slidingWindow: window } : { rotary: 'global', slidingWindow: undefined })),
  };
}

/** An entry: Llama's reading unless `extra` says otherwise; a family without a layout gives its own modules. */
function family(arch: ArchName, className: string, layout: DecoderLayout | undefined, extra: Partial<FamilyEntry>): FamilyEntry {
  const modules = (dims: ModelDims) => decoderModules(dims, layout!);
  return { arch, className, defaults: {}, implements: [], normOffset: 0, biases: () => NO_BIASES, flavour: () => ({}), layout, modules, ...extra };
}

export const FAMILIES: readonly FamilyEntry[] = [
  family('llama', 'LlamaForCausalLM', LLAMA_AS_OLIVE_WALKS_IT, { defaults: { max_position_embeddings: 2048 }, implements: ['attention_bias', 'mlp_bias'], biases: llamaBiases }),
  family('mistral', 'MistralForCausalLM', LLAMA_AS_OLIVE_WALKS_IT, { defaults: { max_position_embeddings: 131072 }, flavour: (config, common) => ({ layerAttention: uniformWindow(config, common) }) }),
  family('qwen2', 'Qwen2ForCausalLM', LLAMA_AS_OLIVE_WALKS_IT, { defaults: { max_position_embeddings: 32768 }, biases: () => ({ qkv: true, output: false, mlp: false }) }),
  family('phi3', 'Phi3ForCausalLM', undefined, {
    defaults: { rms_norm_eps: 1e-5, max_position_embeddings: 4096 },
    implements: ['partial_rotary_factor'],
    flavour: phi3Flavour,
    modules: phi3Modules,
  }),
  family('qwen3', 'Qwen3ForCausalLM', QWEN3_LAYOUT, { defaults: { head_dim: 128, max_position_embeddings: 32768 }, implements: ['attention_bias'], biases: attentionBiases }),
  family('smollm3', 'SmolLM3ForCausalLM', LLAMA_MODEL_ROTARY, {
    defaults: { tie_word_embeddings: true, rope_theta: 2000000, no_rope_layer_interval: 4, max_position_embeddings: 32768 },
    implements: ['attention_bias', 'mlp_bias', 'no_rope_layers'],
    biases: llamaBiases,
    flavour: smollm3Flavour,
  }),
  family('granite', 'GraniteForCausalLM', LLAMA_MODEL_ROTARY, {
    defaults: { max_position_embeddings: 2048, embedding_multiplier: 1, residual_multiplier: 1, attention_multiplier: 1, logits_scaling: 1 },
    implements: ['attention_bias', 'mlp_bias', 'embedding_multiplier', 'residual_multiplier', 'attention_multiplier', 'logits_scaling'],
    biases: llamaBiases,
    flavour: graniteFlavour,
  }),
  family('gemma3_text', 'Gemma3ForCausalLM', GEMMA3_LAYOUT, {
    defaults: {
      tie_word_embeddings: true,
      max_position_embeddings: 131072,
      head_dim: 256,
      rope_theta: 1000000,
      rope_local_base_freq: 10000,
      query_pre_attn_scalar: 256,
      sliding_window: 4096,
      sliding_window_pattern: 6,
      hidden_activation: 'gelu_pytorch_tanh',
    },
    implements: ['attention_bias', 'hidden_act', 'hidden_activation', 'query_pre_attn_scalar', 'rope_local_base_freq', 'layer_types', 'final_logit_softcapping'],
    normOffset: 1,
    biases: attentionBiases,
    flavour: gemma3Flavour,
  }),
];

/** The rope parameters' partial_rotary_factor (transformers 5 keeps it there) or the top-level one; 1 when absent. */
export function partialRotaryFactor(config: HfConfig): number {
  return (config.partial_rotary_factor ?? ropeParameters(config)?.partial_rotary_factor ?? 1) as number;
}

/** The transformers classes converted, by their family (the public API's list). */
export const SUPPORTED_ARCHITECTURES: Readonly<Record<string, ArchName>> = Object.fromEntries(FAMILIES.map((entry) => [entry.className, entry.arch]));
