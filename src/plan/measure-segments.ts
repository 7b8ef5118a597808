/**
 * Constant-time sizes of any contiguous run of units [start, end): what the partition searches ask millions of
 * times. Weights, FLOPs and weights by use are prefix sums; the KV cache counts the layers the run touches (a
 * layer cut in two counts in both splits: which side holds the attention depends on the graph, so the estimate
 * errs on the safe side); the largest weights are range maxima (sparse tables). The runtime size is ONNX
 * Runtime's allocation for the run (ort-allocation.ts). Every measure grows when a run grows, which the
 * partition algorithms rely on.
 */
import { estimateAllocation, loadSplit, type AllocationEstimate, type AllocationShape, type SplitContents, type WeightUses } from './ort-allocation.ts';
import { noWeightUses, type PlanUnit } from './plan-units.ts';
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
  /** What the run holds, as the allocation estimate takes it. */
  contents(start: number, end: number): SplitContents;
  /** Embedding tables the run's sessions read from the memory-mapped data file (see ort-allocation.ts). */
  mappedTableBytes: SegmentCost;
  /** The allocation estimate of the run at the model's context length; undefined without a runtime model. */
  allocation(start: number, end: number): AllocationEstimate | undefined;
}

const SUMMED = ['matmulFp32Bytes', 'matmulFp16Bytes', 'nbitsBytes', 'tableBytes', 'tableFp16Bytes', 'otherBytes'] as const;
const LARGEST = ['largestFp32Bytes', 'largestFp16Bytes', 'largestNbitsBytes'] as const;

export function measureSegments(units: readonly PlanUnit[], model?: RuntimeModel): SegmentMeasures {
  const weights = prefixSums(units.map((unit) => unit.weightBytes));
  const flops = prefixSums(units.map((unit) => unit.flops));
  const layers = layerSpans(units);
  const uses = units.map((unit) => unit.weights ?? noWeightUses(unit.weightBytes));
  const sums = Object.fromEntries(SUMMED.map((key) => [key, prefixSums(uses.map((use) => use[key]))])) as Record<(typeof SUMMED)[number], Float64Array>;
  const largest = Object.fromEntries(LARGEST.map((key) => [key, rangeMaximum(uses.map((use) => use[key]))])) as Record<(typeof LARGEST)[number], SegmentCost>;
  const logitUnits = prefixSums(units.map((unit) => (unit.role === 'logits' ? 1 : 0)));
  const contents = (start: number, end: number): SplitContents => {
    const span = layers(start, end);
    const weightUses = {} as WeightUses;
    for (const key of SUMMED) weightUses[key] = sums[key][end] - sums[key][start];
    for (const key of LARGEST) weightUses[key] = largest[key](start, end);
    return { weights: weightUses, kvLayers: span ? span[1] - span[0] + 1 : 0, holdsLogits: logitUnits[end] > logitUnits[start] };
  };
  const shape = model && allocationShape(model);
  const allocation = (start: number, end: number): AllocationEstimate | undefined =>
    model && shape
      ? estimateAllocation(contents(start, end), shape, {
          provider: model.provider ?? 'CPUExecutionProvider',
          tokens: model.contextLength,
          overheadBytes: model.overheadBytes ?? 0,
        })
      : undefined;
  return {
    unitCount: units.length,
    weightBytes: (start, end) => weights[end] - weights[start],
    kvCacheBytes: (start, end) => allocation(start, end)?.kvCacheBytes ?? 0,
    activationBytes: (start, end) => {
      const estimate = allocation(start, end);
      return estimate ? estimate.activationBytes + estimate.tablePagedBytes : 0;
    },
    runtimeBytes: (start, end) => allocation(start, end)?.totalBytes ?? weights[end] - weights[start],
    flops: (start, end) => flops[end] - flops[start],
    layers,
    contents,
    mappedTableBytes: (start, end) => (model ? loadSplit(contents(start, end), model.provider ?? 'CPUExecutionProvider').mappedTableBytes : 0),
    allocation,
  };
}

/** The sizes of a runtime model as the allocation estimate takes them. */
export function allocationShape(model: RuntimeModel): AllocationShape {
  return {
    numHeads: model.numHeads ?? Math.max(1, Math.round(model.hiddenSize / model.headDim)),
    numKvHeads: model.numKvHeads,
    headDim: model.headDim,
    hiddenSize: model.hiddenSize,
    intermediateSize: model.intermediateSize,
    vocabSize: model.vocabSize,
    ioBytes: model.activationBytesPerElement,
    tiedEmbeddings: model.tiedEmbeddings ?? false,
    fusedProjections: model.fusedProjections ?? false,
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
