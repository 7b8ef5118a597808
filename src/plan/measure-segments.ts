/**
 * Constant-time sizes of any contiguous run of units [start, end): what the partition searches ask millions of
 * times. Weights and FLOPs are prefix sums; the KV cache counts the layers the run touches (a layer cut in two
 * counts in both splits: which side holds the attention depends on the graph, so the estimate errs on the safe
 * side); the activation is a range maximum (sparse table). Every measure grows when a run grows, which the
 * partition algorithms rely on.
 */
import { activationBytes, kvCacheBytesPerLayer } from './estimate-runtime.ts';
import type { PlanUnit } from './plan-units.ts';
import type { RuntimeModel } from './types.ts';

export type SegmentCost = (start: number, end: number) => number;

export interface SegmentMeasures {
  unitCount: number;
  weightBytes: SegmentCost;
  kvCacheBytes: SegmentCost;
  activationBytes: SegmentCost;
  runtimeBytes: SegmentCost;
  flops: SegmentCost;
  /** First and last decoder layer of the run, or null when it touches none. */
  layers(start: number, end: number): [number, number] | null;
}

export function measureSegments(units: readonly PlanUnit[], model?: RuntimeModel): SegmentMeasures {
  const weights = prefixSums(units.map((unit) => unit.weightBytes));
  const flops = prefixSums(units.map((unit) => unit.flops));
  const layers = layerSpans(units);
  const kvPerLayer = model ? kvCacheBytesPerLayer(model) : 0;
  const largestActivation = rangeMaximum(units.map((unit) => (model ? activationBytes(unit.role, model) : 0)));
  const kvCacheBytes: SegmentCost = (start, end) => {
    const span = layers(start, end);
    return span ? (span[1] - span[0] + 1) * kvPerLayer : 0;
  };
  const weightBytes: SegmentCost = (start, end) => weights[end] - weights[start];
  return {
    unitCount: units.length,
    weightBytes,
    kvCacheBytes,
    activationBytes: largestActivation,
    runtimeBytes: (start, end) => weightBytes(start, end) + kvCacheBytes(start, end) + largestActivation(start, end),
    flops: (start, end) => flops[end] - flops[start],
    layers,
  };
}

function prefixSums(values: readonly number[]): Float64Array {
  const sums = new Float64Array(values.length + 1);
  values.forEach((value, i) => (sums[i + 1] = sums[i] + value));
  return sums;
}

/** Layers only grow along the table (check-layer-coverage), so a run's first layer is the first one at or after its start. */
function layerSpans(units: readonly PlanUnit[]): (start: number, end: number) => [number, number] | null {
  const count = units.length;
  const layerUnitsBefore = prefixSums(units.map((unit) => (unit.layer === null ? 0 : 1)));
  const firstFrom = new Int32Array(count + 1).fill(-1);
  const lastBefore = new Int32Array(count + 1).fill(-1);
  for (let i = count - 1; i >= 0; i--) firstFrom[i] = units[i].layer ?? firstFrom[i + 1];
  for (let i = 1; i <= count; i++) lastBefore[i] = units[i - 1].layer ?? lastBefore[i - 1];
  return (start, end) => (layerUnitsBefore[end] > layerUnitsBefore[start] ? [firstFrom[start], lastBefore[end]] : null);
}

function rangeMaximum(values: readonly number[]): SegmentCost {
  const levels: Float64Array[] = [Float64Array.from(values)];
  for (let width = 2; width <= values.length; width *= 2) {
    const previous = levels.at(-1)!;
    const level = new Float64Array(values.length - width + 1);
    for (let i = 0; i < level.length; i++) level[i] = Math.max(previous[i], previous[i + width / 2]);
    levels.push(level);
  }
  return (start, end) => {
    if (end <= start) return 0;
    const level = 31 - Math.clz32(end - start);
    return Math.max(levels[level][start], levels[level][end - (1 << level)]);
  };
}
