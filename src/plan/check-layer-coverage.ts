/**
 * A cost table can only be planned against a model when its rows describe that model's decoder stack: every
 * layer 0..numLayers-1, in order, in one stack. A table for another model (24 layers against 32) must fail here,
 * not yield a plan that silently leaves layers out.
 */
import { OliveError } from '../errors.ts';
import type { CostRow } from '../cost/types.ts';
import { layerOf } from './layer-of.ts';

export function checkLayerCoverage(rows: readonly CostRow[], numLayers: number): void {
  if (rows.length === 0) throw new OliveError('cost table has no rows');
  checkRowSizes(rows);
  const seen = checkLayerOrder(rows);
  if (seen.length !== numLayers) {
    const covered = seen.length === 0 ? 'no decoder layer' : `${seen.length} decoder layers (${seen[0]}..${seen.at(-1)})`;
    throw new OliveError(`cost table covers ${covered} but the model has ${numLayers}: was the table made for another model?`);
  }
}

function checkRowSizes(rows: readonly CostRow[]): void {
  const names = new Set<string>();
  for (const row of rows) {
    if (names.has(row.module)) throw new OliveError(`cost table lists module '${row.module}' twice`);
    names.add(row.module);
    for (const [field, value] of [['num_bytes', row.numBytes], ['num_params', row.numParams], ['num_flops', row.numFlops]] as const) {
      if (!Number.isFinite(value) || value < 0) throw new OliveError(`cost table: '${row.module}' has ${field} ${value}; expected a number ≥ 0`);
    }
  }
}

/** The layer modules ("model.layers.0", …) in table order; each layer's rows must be together and in order. */
function checkLayerOrder(rows: readonly CostRow[]): string[] {
  const layers: string[] = [];
  let stack: string | undefined;
  let outsideSinceLastLayer: string | undefined;
  for (const row of rows) {
    const layer = layerOf(row.module);
    if (!layer) {
      if (stack !== undefined) outsideSinceLastLayer ??= row.module;
      continue;
    }
    if (outsideSinceLastLayer !== undefined) {
      throw new OliveError(`cost table: '${outsideSinceLastLayer}' sits between decoder layers; only the layers can be in the middle of the table`);
    }
    stack ??= layer.stack;
    if (layer.stack !== stack) throw new OliveError(`cost table has two layer stacks ('${stack}' and '${layer.stack}'): only one decoder stack can be split`);
    if (layer.layerModule === layers.at(-1)) continue;
    if (layer.index !== layers.length) {
      const expected = `${stack}.${layers.length}`;
      throw new OliveError(`cost table: row '${row.module}' comes where '${expected}' should: rows must cover every layer once, in the model's order`);
    }
    layers.push(layer.layerModule);
  }
  return layers;
}
