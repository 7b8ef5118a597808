/**
 * A split plan: plain JSON data, made by pure functions in plan/, written as split_plan.json and read by split/.
 * `modules` lists dotted Hugging Face module paths assigned to the split: whole layers ("model.layers.3") or leaf
 * modules ("model.layers.3.mlp.down_proj"). A node belongs to the split of the longest listed prefix of its module
 * path; nodes matching nothing follow their producers and consumers (REFERENCE §4).
 */
import type { ExecutionProvider } from '../providers.ts';

export type SplitStrategy = 'balanced' | 'olive';
export type SplitGranularity = 'module' | 'layer';
/** What the memory budget must hold: the weights alone (as Olive), or the runtime estimate of each split. */
export type BudgetCovers = 'weights' | 'runtime';

export interface PlanSplit {
  index: number;
  modules: string[];
  /** First and last decoder layer touched by the split (inclusive), or null when it holds no layer. */
  layers: [number, number] | null;
  weight_bytes: number;
  /**
   * Estimated peak bytes of ONNX Runtime running the split at the plan's context length (plan/ort-allocation.ts):
   * the fixed overhead + the larger of the load peak and loaded weights + embedding pages + KV cache + activations.
   */
  runtime_bytes: number;
  /** Weights as ONNX Runtime holds them once loaded (prepacked copies, fp32 casts), without transients. */
  loaded_weight_bytes: number;
  /** What loading adds on top of that for a moment: the largest original while its packed copy is made. */
  load_transient_bytes: number;
  /** Embedding tables read by Gather from the memory-mapped data file (only the rows read become resident). */
  embedding_table_bytes: number;
  /** Whether the split makes the logits (holds lm_head). */
  holds_logits: boolean;
  kv_cache_bytes: number;
  /** Intermediates and outputs of a prefill of the context, and the embedding pages it reads. */
  activation_bytes: number;
  flops_per_token: number;
}

/** The model sizes and settings the allocation estimate was made with, so it can be remade for another length. */
export interface RuntimeSettings {
  provider: ExecutionProvider;
  /** ONNX Runtime's fixed overhead, measured once per machine from an empty session (0: not measured). */
  overhead_bytes: number;
  /** Where the overhead figure comes from, in words. */
  overhead_source: string;
  num_heads: number;
  num_kv_heads: number;
  head_dim: number;
  hidden_size: number;
  intermediate_size: number;
  vocab_size: number;
  io_bytes: number;
  tied_embeddings: boolean;
  fused_projections: boolean;
}

export interface SplitPlan {
  method: 'num-splits' | 'memory';
  strategy?: SplitStrategy;
  granularity?: SplitGranularity;
  budget_bytes?: number;
  budget_covers?: BudgetCovers;
  /** Tokens the KV cache and activation estimates are sized for; absent when the plan has no runtime model. */
  context_length?: number;
  /** The allocation estimate's settings; absent when the plan has no runtime model. */
  runtime?: RuntimeSettings;
  num_layers: number;
  /** False when planned without a cost table (equal-N from config.json alone): weights and FLOPs are then 0. */
  costs_known?: boolean;
  splits: PlanSplit[];
}

/**
 * The sizes the runtime estimate needs, from config.json (see runtimeModelFromConfig). Batch 1 throughout: the
 * cascaded models serve one sequence on an edge device.
 */
export interface RuntimeModel {
  numLayers: number;
  numKvHeads: number;
  headDim: number;
  hiddenSize: number;
  intermediateSize: number;
  vocabSize: number;
  /** Tokens the KV cache holds and a prefill processes at once. */
  contextLength: number;
  kvBytesPerElement: number;
  activationBytesPerElement: number;
  /** Query heads; default hiddenSize / headDim. */
  numHeads?: number;
  /** lm_head reuses the embedding table (tie_word_embeddings); default false. */
  tiedEmbeddings?: boolean;
  /** Packed qkv_proj / gate_up_proj (Phi-3); default false, and true when the cost table lists them. */
  fusedProjections?: boolean;
  /** The execution provider the allocation is estimated for; default CPUExecutionProvider. */
  provider?: ExecutionProvider;
  /** ONNX Runtime's fixed overhead (runtime/measure-ort-overhead.ts); default 0, not measured. */
  overheadBytes?: number;
  overheadSource?: string;
}

export interface MemoryPlanOptions {
  /** Default 'balanced'. */
  strategy?: SplitStrategy;
  /** Default 'module'. */
  granularity?: SplitGranularity;
  /** Default 'weights'. */
  budgetCovers?: BudgetCovers;
  model: RuntimeModel;
}
