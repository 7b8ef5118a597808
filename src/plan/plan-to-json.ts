/**
 * The plan as one JSON document (split_plan.json, and stdout with --json): `splits` first, each split led by the
 * fields the issue names, then the plan's settings.
 */
import type { PlanSplit, SplitPlan } from './types.ts';

export function planToJson(plan: SplitPlan): string {
  const { splits, ...settings } = plan;
  return `${JSON.stringify({ splits: splits.map(orderedSplit), ...settings }, null, 2)}\n`;
}

function orderedSplit(split: PlanSplit): PlanSplit {
  return {
    index: split.index,
    modules: split.modules,
    layers: split.layers,
    weight_bytes: split.weight_bytes,
    runtime_bytes: split.runtime_bytes,
    loaded_weight_bytes: split.loaded_weight_bytes,
    load_transient_bytes: split.load_transient_bytes,
    embedding_table_bytes: split.embedding_table_bytes,
    holds_logits: split.holds_logits,
    flops_per_token: split.flops_per_token,
    kv_cache_bytes: split.kv_cache_bytes,
    activation_bytes: split.activation_bytes,
  };
}
