/**
 * The plan's splits from run ends over the units: sizes from the segment measures, and the module list with every
 * layer that lies wholly in the split named once ("model.layers.3") rather than leaf by leaf — the same nodes by
 * split/'s longest-prefix rule, and a plan a person can read.
 */
import { layerOf } from './layer-of.ts';
import type { SegmentMeasures } from './measure-segments.ts';
import type { PlanUnit } from './plan-units.ts';
import type { PlanSplit } from './types.ts';

export function buildPlanSplits(units: readonly PlanUnit[], ends: readonly number[], measures: SegmentMeasures): PlanSplit[] {
  const modulesPerLayer = countModulesPerLayer(units.flatMap((unit) => unit.modules));
  return ends.map((end, index) => {
    const start = index === 0 ? 0 : ends[index - 1];
    const modules = units.slice(start, end).flatMap((unit) => unit.modules);
    const allocation = measures.allocation(start, end);
    const contents = measures.contents(start, end);
    return {
      index,
      modules: wholeLayersNamedOnce(modules, modulesPerLayer),
      layers: measures.layers(start, end),
      weight_bytes: measures.weightBytes(start, end),
      runtime_bytes: measures.runtimeBytes(start, end),
      loaded_weight_bytes: allocation?.loadedWeightBytes ?? 0,
      load_transient_bytes: allocation ? allocation.loadPeakBytes - allocation.loadedWeightBytes : 0,
      embedding_table_bytes: measures.mappedTableBytes(start, end),
      holds_logits: contents.holdsLogits,
      kv_cache_bytes: measures.kvCacheBytes(start, end),
      activation_bytes: measures.activationBytes(start, end),
      flops_per_token: measures.flops(start, end),
    };
  });
}

function countModulesPerLayer(modules: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const module of modules) {
    const layer = layerOf(module)?.layerModule;
    if (layer) counts.set(layer, (counts.get(layer) ?? 0) + 1);
  }
  return counts;
}

function wholeLayersNamedOnce(modules: readonly string[], modulesPerLayer: ReadonlyMap<string, number>): string[] {
  const here = countModulesPerLayer(modules);
  const named = new Set<string>();
  const listed: string[] = [];
  for (const module of modules) {
    const layer = layerOf(module)?.layerModule;
    const whole = layer !== undefined && here.get(layer) === modulesPerLayer.get(layer);
    if (!whole) listed.push(module);
    else if (!named.has(layer)) {
      named.add(layer);
      listed.push(layer);
    }
  }
  return listed;
}
