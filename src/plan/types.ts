/**
 * A split plan: plain JSON data, made by pure functions in plan/, written as split_plan.json and read by split/.
 * `modules` lists dotted Hugging Face module paths assigned to the split: whole layers ("model.layers.3") or leaf
 * modules ("model.layers.3.mlp.down_proj"). A node belongs to the split of the longest listed prefix of its module
 * path; nodes matching nothing follow their producers and consumers (REFERENCE §4).
 */
export type SplitStrategy = 'balanced' | 'olive';
export type SplitGranularity = 'module' | 'layer';

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
  budget_covers?: 'weights' | 'runtime';
  context_length?: number;
  num_layers: number;
  splits: PlanSplit[];
}
