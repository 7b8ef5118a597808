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
  /** Which projections carry a bias (each family's rule, from its registry entry). */
  qkvBias: boolean;
  outputProjBias: boolean;
  mlpBias: boolean;
  /** The config's activation name (hidden_act, Gemma's hidden_activation), which decides its FLOPs. */
  activation: string;
}

export interface ProjectionBiases {
  qkv: boolean;
  output: boolean;
  mlp: boolean;
}

/** config.json is read from this file name when an error must name it. */
const CONFIG_FILE = 'config.json';

/** `config` has the family's defaults applied (see openArchitecture). */
export function modelDims(config: HfConfig, arch: ArchName, biases: ProjectionBiases): ModelDims {
  const dims: ModelDims = {
    arch,
    vocab: config.vocab_size,
    hidden: config.hidden_size,
    intermediate: config.intermediate_size,
    layers: config.num_hidden_layers,
    heads: config.num_attention_heads,
    kvHeads: kvHeads(config),
    headDim: headDim(config),
    tiedEmbeddings: config.tie_word_embeddings === true,
    qkvBias: biases.qkv,
    outputProjBias: biases.output,
    mlpBias: biases.mlp,
    activation: (config.hidden_activation as string | undefined) ?? config.hidden_act ?? 'silu',
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
