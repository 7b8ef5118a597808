import type { ModuleSpec } from '../arch/types.ts';
import type { Precision } from '../precisions.ts';
import type { CostRow } from './types.ts';
import { weightBytes } from './weight-bytes.ts';

/** Olive charges one FLOP per token for an embedding lookup. */
const EMBEDDING_FLOPS = 1;
/** Olive's FLOPs per element: a Linear costs 2 per parameter, an RMSNorm 4 and a SiLU 6 per hidden element. */
const LINEAR_FLOPS_PER_PARAM = 2;
const NORM_FLOPS_PER_ELEMENT = 4;
const SILU_FLOPS_PER_ELEMENT = 6;
/** hidden_act names transformers maps to nn.SiLU; any other activation module counts 0 in Olive. */
const SILU_NAMES = new Set(['silu', 'swish']);

/**
 * One row per leaf module with Olive's per-token FLOP rules. "hidden" is the width of the last Linear's output
 * (or the last Embedding's dimension) met so far in registration order, as Olive's walk tracks it.
 */
export function costTable(modules: readonly ModuleSpec[], precision: Precision): CostRow[] {
  let hidden = 0;
  return modules.map((module) => {
    const numFlops = moduleFlops(module, hidden);
    hidden = outputWidth(module) ?? hidden;
    return { module: module.name, numParams: module.params, numBytes: weightBytes(module.params, precision), numFlops };
  });
}

function moduleFlops(module: ModuleSpec, hidden: number): number {
  switch (module.kind) {
    case 'embedding':
      return EMBEDDING_FLOPS;
    case 'linear':
      return LINEAR_FLOPS_PER_PARAM * module.params;
    case 'norm':
      return NORM_FLOPS_PER_ELEMENT * hidden;
    case 'activation':
      return SILU_NAMES.has(module.activation ?? '') ? SILU_FLOPS_PER_ELEMENT * hidden : 0;
    case 'rotary':
    case 'dropout':
      return 0;
  }
}

/** A Linear's out_features (weight [out, in]) or an Embedding's dimension (weight [vocab, dim]). */
function outputWidth(module: ModuleSpec): number | undefined {
  const weight = module.weights[0];
  if (module.kind === 'linear') return weight.shape[0];
  if (module.kind === 'embedding') return weight.shape[1];
  return undefined;
}
