import { ParseError } from '../errors.ts';
import { headDim, kvHeads, type HfConfig } from '../hf/config.ts';
import type { ArchName } from './types.ts';

/** The sizes that decide every weight shape of the supported decoder-only architectures. */
export interface ModelDims {
  arch: ArchName;
  vocab: number;
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  tiedEmbeddings: boolean;
  /** Which projections carry a bias: Qwen2 always on q/k/v; the others when attention_bias / mlp_bias say so. */
  qkvBias: boolean;
  outputProjBias: boolean;
  mlpBias: boolean;
  activation: string;
}

/** config.json is read from this file name when an error must name it. */
const CONFIG_FILE = 'config.json';

/** Config classes whose tie_word_embeddings defaults to true (Gemma3TextConfig, SmolLM3Config); the rest default to false. */
const TIED_BY_DEFAULT: ReadonlySet<ArchName> = new Set(['gemma3_text', 'smollm3']);

/** Config classes with a fixed head_dim default (Qwen3Config 128, Gemma3TextConfig 256) instead of hidden / heads. */
const HEAD_DIM_BY_DEFAULT: Partial<Record<ArchName, number>> = { qwen3: 128, gemma3_text: 256 };

/** Attention classes that give q, k, v and o a bias when attention_bias is set (Mistral's and Phi-3's never do). */
const ATTENTION_BIAS_FROM_CONFIG: ReadonlySet<ArchName> = new Set(['llama', 'qwen3', 'gemma3_text', 'smollm3', 'granite']);

/** MLP classes built with bias=config.mlp_bias (Qwen's and Gemma's are always bias-free). */
const MLP_BIAS_FROM_CONFIG: ReadonlySet<ArchName> = new Set(['llama', 'smollm3', 'granite']);

/** Gemma 3 names its activation hidden_activation and defaults it to the tanh GELU; the others read hidden_act. */
const GEMMA3_DEFAULT_ACTIVATION = 'gelu_pytorch_tanh';
const DEFAULT_ACTIVATION = 'silu';

export function modelDims(config: HfConfig, arch: ArchName): ModelDims {
  const dims: ModelDims = {
    arch,
    vocab: config.vocab_size,
    hidden: config.hidden_size,
    intermediate: config.intermediate_size,
    layers: config.num_hidden_layers,
    heads: config.num_attention_heads,
    kvHeads: kvHeads(config),
    headDim: config.head_dim ?? HEAD_DIM_BY_DEFAULT[arch] ?? headDim(config),
    tiedEmbeddings: typeof config.tie_word_embeddings === 'boolean' ? config.tie_word_embeddings : TIED_BY_DEFAULT.has(arch),
    qkvBias: arch === 'qwen2' || attentionBias(config, arch),
    outputProjBias: attentionBias(config, arch),
    mlpBias: MLP_BIAS_FROM_CONFIG.has(arch) && config.mlp_bias === true,
    activation: activationOf(config, arch),
  };
  requirePositiveInteger('num_key_value_heads', dims.kvHeads);
  requirePositiveInteger('head_dim', dims.headDim);
  if (dims.heads % dims.kvHeads !== 0) {
    throw new ParseError(CONFIG_FILE, `num_attention_heads (${dims.heads}) is not a multiple of num_key_value_heads (${dims.kvHeads})`);
  }
  return dims;
}

function requirePositiveInteger(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new ParseError(CONFIG_FILE, `${field} must be a positive integer, got ${value}`);
}

function attentionBias(config: HfConfig, arch: ArchName): boolean {
  return ATTENTION_BIAS_FROM_CONFIG.has(arch) && config.attention_bias === true;
}

function activationOf(config: HfConfig, arch: ArchName): string {
  if (arch !== 'gemma3_text') return config.hidden_act ?? DEFAULT_ACTIVATION;
  return typeof config.hidden_activation === 'string' ? config.hidden_activation : GEMMA3_DEFAULT_ACTIVATION;
}
