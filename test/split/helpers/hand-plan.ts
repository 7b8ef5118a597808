/** Split plans written by hand for tests: module lists per split; byte figures are the given estimate or zero. */
import type { PlanSplit, SplitPlan } from '../../../src/plan/types.ts';

export function handPlan(modulesPerSplit: string[][], numLayers: number, estimates?: { runtimeBytes: number; budgetBytes: number }): SplitPlan {
  return {
    method: 'num-splits',
    num_layers: numLayers,
    ...(estimates ? { budget_bytes: estimates.budgetBytes, budget_covers: 'runtime' as const } : {}),
    splits: modulesPerSplit.map((modules, index): PlanSplit => ({
      index,
      modules,
      layers: layerRange(modules),
      weight_bytes: 0,
      runtime_bytes: estimates?.runtimeBytes ?? 0,
      loaded_weight_bytes: 0,
      load_transient_bytes: 0,
      embedding_table_bytes: 0,
      holds_logits: false,
      kv_cache_bytes: 0,
      activation_bytes: 0,
      flops_per_token: 0,
    })),
  };
}

/** Whole layers as module paths: model.layers.{from} … model.layers.{to}. */
export function layerModules(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `model.layers.${from + i}`);
}

function layerRange(modules: string[]): [number, number] | null {
  const layers = modules.flatMap((module) => {
    const match = /^model\.layers\.(\d+)/.exec(module);
    return match ? [Number(match[1])] : [];
  });
  return layers.length > 0 ? [Math.min(...layers), Math.max(...layers)] : null;
}
