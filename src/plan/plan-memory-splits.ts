/**
 * The memory plan (issue 4): cut the model, as its cost table lists it, into the fewest splits that each fit the
 * budget — 'balanced' (default) also makes the largest split as small as it can be and then the smallest as large,
 * 'olive' replays Olive's greedy pass exactly.
 */
import { OliveError, UsageError } from '../errors.ts';
import type { CostRow } from '../cost/types.ts';
import { formatBytes } from '../format/bytes.ts';
import { buildPlanSplits } from './build-plan-splits.ts';
import { checkLayerCoverage } from './check-layer-coverage.ts';
import { inDataflowOrder } from './dataflow-order.ts';
import { measureSegments, type SegmentCost } from './measure-segments.ts';
import { partitionBalanced } from './partition-balanced.ts';
import { olivePlanRows, partitionOlive } from './partition-olive.ts';
import { planUnits, type PlanUnit } from './plan-units.ts';
import { runtimeSettings, withTableFacts } from './runtime-settings.ts';
import type { BudgetCovers, MemoryPlanOptions, SplitGranularity, SplitPlan } from './types.ts';

export function planMemorySplits(rows: readonly CostRow[], budgetBytes: number, options: MemoryPlanOptions): SplitPlan {
  const { strategy = 'balanced', granularity = 'module', budgetCovers = 'weights' } = options;
  const model = withTableFacts(options.model, rows);
  if (!Number.isFinite(budgetBytes) || budgetBytes <= 0) throw new OliveError(`memory budget must be a positive number of bytes, got ${budgetBytes}`);
  if (strategy === 'olive') checkOliveOptions(granularity, budgetCovers);
  checkLayerCoverage(rows, model.numLayers);
  const planRows = strategy === 'olive' ? olivePlanRows(rows) : inDataflowOrder(rows);
  const units = planUnits(planRows, strategy === 'olive' ? 'row' : granularity);
  const measures = measureSegments(units, model);
  const raw = budgetCovers === 'weights' ? measures.weightBytes : measures.runtimeBytes;
  const cost: SegmentCost = (start, end) => Math.ceil(raw(start, end));
  requireEveryUnitFits(units, cost, budgetBytes, { granularity, budgetCovers, contextLength: model.contextLength });
  const ends = strategy === 'olive' ? partitionOlive(planRows, budgetBytes) : partitionBalanced(cost, units.length, budgetBytes);
  return {
    method: 'memory',
    strategy,
    granularity,
    budget_bytes: budgetBytes,
    budget_covers: budgetCovers,
    context_length: model.contextLength,
    runtime: runtimeSettings(model),
    num_layers: model.numLayers,
    costs_known: true,
    splits: buildPlanSplits(units, ends, measures),
  };
}

function checkOliveOptions(granularity: SplitGranularity, budgetCovers: BudgetCovers): void {
  if (granularity !== 'module') {
    throw new UsageError('--split-strategy olive cuts between modules as Olive does; --split-granularity layer needs --split-strategy balanced');
  }
  if (budgetCovers !== 'weights') {
    throw new UsageError('--split-strategy olive counts weights only, as Olive does; --budget-covers runtime needs --split-strategy balanced');
  }
}

interface FitContext {
  granularity: SplitGranularity;
  budgetCovers: BudgetCovers;
  contextLength: number;
}

/** One unit over the budget makes every plan impossible: name the largest, whose size is the least budget that works. */
function requireEveryUnitFits(units: readonly PlanUnit[], cost: SegmentCost, budgetBytes: number, context: FitContext): void {
  let largest = 0;
  units.forEach((_, i) => {
    if (cost(i, i + 1) > cost(largest, largest + 1)) largest = i;
  });
  const needed = units.length > 0 ? cost(largest, largest + 1) : 0;
  if (needed <= budgetBytes) return;
  const kind = context.granularity === 'layer' ? 'layer group' : 'module';
  const what =
    context.budgetCovers === 'weights'
      ? 'of weights'
      : `at run time (ONNX Runtime's overhead, weights as loaded, KV cache and activations for ${context.contextLength} tokens; a shorter --context-length needs less)`;
  throw new OliveError(
    `${kind} '${units[largest].label}' needs ${formatBytes(needed)} ${what}, more than the ${formatBytes(budgetBytes)} budget: ` +
      `the smallest budget that works is ${formatBytes(needed)} (${needed} bytes)`,
  );
}
