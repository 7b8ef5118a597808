/**
 * The pieces a plan is cut between. 'module': one unit per module with weights, parameterless modules riding
 * along; 'layer': the modules before the decoder stack, each decoder layer, the modules after it; 'row': one unit
 * per table row (Olive's pass, which decides row by row).
 *
 * With 'layer', the embedding side and the head side are units of their own rather than welded to the first and
 * last layer: a cut there is as clean as one between two layers (only the hidden state crosses), and a plan that
 * may also cut there never needs more splits. The balanced search only leaves them alone when that saves a
 * split or evens the splits out.
 *
 * Parameterless modules hold no bytes, so where they go never changes a split's size, only the graph cut:
 * inside a layer they stay with their layer's neighbour; outside the layers they are shared helpers feeding the
 * layers (model.rotary_emb, model.embed_dropout) and go with the first unit, because split/ moves a node to the
 * latest split among its producers — listed with the last split, a rotary table would drag every layer there.
 */
import type { CostRow } from '../cost/types.ts';
import { layerOf } from './layer-of.ts';
import type { WeightUses } from './ort-allocation.ts';

export type UnitMode = 'module' | 'layer' | 'row';
/** Which activation buffer sizes the unit at run time (see ort-allocation.ts). */
export type ActivationRole = 'layer' | 'logits' | 'hidden';

export interface PlanUnit {
  /** How messages name the unit: its weighted module, or the layer. */
  label: string;
  modules: string[];
  weightBytes: number;
  flops: number;
  /** The decoder layer the unit lies in, or null outside the stack. */
  layer: number | null;
  role: ActivationRole;
  /** How ONNX Runtime holds the unit's weights; default: all of weightBytes loaded as it is. */
  weights?: WeightUses;
}

export function planUnits(rows: readonly CostRow[], mode: UnitMode): PlanUnit[] {
  if (mode === 'row') return rows.map((row) => unitOf([row], row.module));
  const isShared = (row: CostRow) => !hasWeights(row) && layerOf(row.module) === null;
  const shared = rows.filter(isShared);
  const placed = rows.filter((row) => !isShared(row));
  const units = mode === 'module' ? moduleUnits(placed) : layerUnits(placed);
  return withSharedRows(units, shared);
}

function hasWeights(row: CostRow): boolean {
  return row.numBytes > 0 || row.numParams > 0;
}

function moduleUnits(rows: readonly CostRow[]): PlanUnit[] {
  const groups: CostRow[][] = [];
  // parameterless rows opening a layer, waiting for the layer's first weighted row
  let opening: CostRow[] = [];
  for (const row of rows) {
    if (opening.length > 0 && !inSameLayer(opening[0], row)) groups.push(opening.splice(0));
    const last = groups.at(-1);
    if (hasWeights(row)) groups.push([...opening.splice(0), row]);
    else if (opening.length === 0 && last && inSameLayer(last.at(-1)!, row)) last.push(row);
    else opening.push(row);
  }
  if (opening.length > 0) groups.push(opening);
  return groups.map((group) => unitOf(group, (group.find(hasWeights) ?? group[0]).module));
}

function inSameLayer(a: CostRow, b: CostRow): boolean {
  const layer = layerOf(a.module);
  return layer !== null && layer.layerModule === layerOf(b.module)?.layerModule;
}

function layerUnits(rows: readonly CostRow[]): PlanUnit[] {
  const groups = new Map<string, CostRow[]>();
  let seenLayer = false;
  for (const row of rows) {
    const layer = layerOf(row.module);
    seenLayer ||= layer !== null;
    const key = layer?.layerModule ?? (seenLayer ? 'after the layers' : 'before the layers');
    const group = groups.get(key) ?? [];
    group.push(row);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => {
    const layerModule = layerOf(group[0].module)?.layerModule;
    return layerModule ? { ...unitOf(group, layerModule), modules: [layerModule] } : unitOf(group, labelOf(group));
  });
}

function labelOf(group: readonly CostRow[]): string {
  return group.length === 1 ? group[0].module : `${group[0].module} … ${group.at(-1)!.module}`;
}

function withSharedRows(units: PlanUnit[], shared: readonly CostRow[]): PlanUnit[] {
  if (shared.length === 0) return units;
  if (units.length === 0) return [unitOf(shared, labelOf(shared))];
  const [first, ...rest] = units;
  const extra = unitOf(shared, first.label);
  return [{ ...first, modules: [...first.modules, ...extra.modules], flops: first.flops + extra.flops, weights: first.weights }, ...rest];
}

function unitOf(rows: readonly CostRow[], label: string): PlanUnit {
  const layer = rows.map((row) => layerOf(row.module)).find((ref) => ref !== null);
  const isHead = rows.some((row) => row.module === 'lm_head' || row.module.endsWith('.lm_head'));
  return {
    label,
    modules: rows.map((row) => row.module),
    // A half byte (odd int4 counts) still takes a whole byte of storage; whole bytes keep the search exact.
    weightBytes: rows.reduce((sum, row) => sum + Math.ceil(row.numBytes), 0),
    flops: rows.reduce((sum, row) => sum + row.numFlops, 0),
    layer: layer?.index ?? null,
    role: layer ? 'layer' : isHead ? 'logits' : 'hidden',
    weights: weightUses(rows),
  };
}

/**
 * The rows' weights by the way ONNX Runtime holds them, read off the cost table: a Linear costs 2 FLOPs per
 * parameter (a MatMul or Gemm weight: float, or quantized when it has under 2 bytes per parameter), an embedding
 * more parameters than FLOPs (a Gather table), anything else is loaded as it is.
 */
export function weightUses(rows: readonly CostRow[]): WeightUses {
  const uses = noWeightUses();
  for (const row of rows) {
    const bytes = Math.ceil(row.numBytes);
    const isLinear = row.numParams > 0 && row.numFlops === 2 * row.numParams;
    const isTable = row.numFlops > 0 && row.numParams > row.numFlops;
    const isFp32 = bytes >= 4 * row.numParams;
    const isFp16 = !isFp32 && bytes >= 2 * row.numParams;
    if (isLinear && isFp32) {
      uses.matmulFp32Bytes += bytes;
      uses.largestFp32Bytes = Math.max(uses.largestFp32Bytes, bytes);
    } else if (isLinear && isFp16) {
      uses.matmulFp16Bytes += bytes;
      uses.largestFp16Bytes = Math.max(uses.largestFp16Bytes, bytes);
    } else if (isLinear) {
      uses.nbitsBytes += bytes;
      uses.largestNbitsBytes = Math.max(uses.largestNbitsBytes, bytes);
    } else if (isTable && isFp16) uses.tableFp16Bytes += bytes;
    else if (isTable) uses.tableBytes += bytes;
    else uses.otherBytes += bytes;
  }
  return uses;
}

export function noWeightUses(otherBytes = 0): WeightUses {
  return { matmulFp32Bytes: 0, matmulFp16Bytes: 0, nbitsBytes: 0, tableBytes: 0, tableFp16Bytes: 0, otherBytes, largestFp32Bytes: 0, largestFp16Bytes: 0, largestNbitsBytes: 0 };
}
