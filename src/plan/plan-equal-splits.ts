/**
 * Olive's --num-splits: the decoder layers cut into N groups as numpy's array_split cuts them (the first
 * layers % N groups get one layer more). The embedding lands in the first split and the final norm and lm_head in
 * the last, as split/'s graph propagation puts them. Olive silently makes fewer splits when N is out of range;
 * here that is an error naming the flag.
 */
import { OliveError } from '../errors.ts';
import type { CostRow } from '../cost/types.ts';
import { buildPlanSplits } from './build-plan-splits.ts';
import { checkLayerCoverage } from './check-layer-coverage.ts';
import { measureSegments } from './measure-segments.ts';
import { planUnits, type PlanUnit } from './plan-units.ts';
import { runtimeSettings, withTableFacts } from './runtime-settings.ts';
import type { RuntimeModel, SplitPlan } from './types.ts';

export interface EqualPlanOptions {
  /** The cost table: gives each split its weights and FLOPs (without one they are reported as 0). */
  rows?: readonly CostRow[];
  /** Sizes for the KV cache and activation estimate (without it they are reported as 0). */
  model?: RuntimeModel;
  /** Module path of the layer stack when there are no rows to read it from. */
  layerStack?: string;
}

export function planEqualSplits(numLayers: number, numSplits: number, options: EqualPlanOptions = {}): SplitPlan {
  const { rows, layerStack = 'model.layers' } = options;
  const model = options.model && rows ? withTableFacts(options.model, rows) : options.model;
  checkCounts(numLayers, numSplits, model);
  if (rows) checkLayerCoverage(rows, numLayers);
  const units = rows ? planUnits(rows, 'layer') : layersWithoutCosts(numLayers, layerStack);
  return {
    method: 'num-splits',
    context_length: model?.contextLength,
    ...(model ? { runtime: runtimeSettings(model) } : {}),
    num_layers: numLayers,
    costs_known: rows !== undefined,
    splits: buildPlanSplits(units, arraySplitEnds(units, numLayers, numSplits), measureSegments(units, model)),
  };
}

function checkCounts(numLayers: number, numSplits: number, model: RuntimeModel | undefined): void {
  if (!Number.isSafeInteger(numLayers) || numLayers < 1) throw new OliveError(`the model must have at least one decoder layer, got ${numLayers}`);
  if (model && model.numLayers !== numLayers) throw new OliveError(`the runtime model has ${model.numLayers} layers, the plan was asked for ${numLayers}`);
  if (!Number.isSafeInteger(numSplits) || numSplits < 1 || numSplits > numLayers) {
    throw new OliveError(`--num-splits must be a whole number from 1 to ${numLayers} (the model's decoder layers; each split needs one), got ${numSplits}`);
  }
}

function layersWithoutCosts(numLayers: number, layerStack: string): PlanUnit[] {
  return Array.from({ length: numLayers }, (_, index) => {
    const layerModule = `${layerStack}.${index}`;
    return { label: layerModule, modules: [layerModule], weightBytes: 0, flops: 0, layer: index, role: 'layer' as const };
  });
}

/** Run ends over the units: after the last layer of each group, the last group also taking what follows the layers. */
function arraySplitEnds(units: readonly PlanUnit[], numLayers: number, numSplits: number): number[] {
  const unitOfLayer = new Map(units.map((unit, i) => [unit.layer, i]));
  const base = Math.floor(numLayers / numSplits);
  const larger = numLayers % numSplits;
  const ends: number[] = [];
  let layersSoFar = 0;
  for (let group = 0; group < numSplits - 1; group++) {
    layersSoFar += base + (group < larger ? 1 : 0);
    ends.push(unitOfLayer.get(layersSoFar - 1)! + 1);
  }
  ends.push(units.length);
  return ends;
}
