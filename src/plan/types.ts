/**
 * A split plan: plain JSON data, made by pure functions in plan/, written as split_plan.json and read by split/.
 * `modules` lists dotted Hugging Face module paths assigned to the split: whole layers ("model.layers.3") or leaf
 * modules ("model.layers.3.mlp.down_proj"). A node belongs to the split of the longest listed prefix of its module
 * path; nodes matching nothing follow their producers and consumers (REFERENCE §4).
 */
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
  /** Estimated bytes at run time: weights + KV cache + largest activation. */
  runtime_bytes: number;
  kv_cache_bytes: number;
  activation_bytes: number;
  flops_per_token: number;
}

export interface SplitPlan {
  method: 'num-splits' | 'memory';
  strategy?: SplitStrategy;
  granularity?: SplitGranularity;
  budget_bytes?: number;
  budget_covers?: BudgetCovers;
  /** Tokens the KV cache and activation estimates are sized for; absent when the plan has no runtime model. */
  context_length?: number;
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
