/**
 * The plan auto-opt splits by: from --num-splits, or --memory with a cost table read from --cost-model or computed
 * from the model's modules. Needs config.json and tensor shapes only, so a dry run plans before any download.
 */
import { describeModules } from '../arch/describe-modules.ts';
import { checkCostTableMatchesModel } from '../cost/check-cost-table.ts';
import { costTable } from '../cost/cost-table.ts';
import { readCostCsv } from '../cost/read-cost-csv.ts';
import type { CostRow } from '../cost/types.ts';
import type { CheckpointShapes, ModuleSpec } from '../arch/types.ts';
import type { HfConfig } from '../hf/config.ts';
import { planEqualSplits } from '../plan/plan-equal-splits.ts';
import { planMemorySplits } from '../plan/plan-memory-splits.ts';
import type { IoPrecision } from '../precisions.ts';
import { runtimeModelFromConfig } from '../plan/runtime-model-from-config.ts';
import type { MemoryPlanOptions, RuntimeModel, SplitPlan } from '../plan/types.ts';
import type { AutoOptOptions } from './options.ts';
import { withRuntimeOverhead } from './runtime-for-plan.ts';

export interface PlanInputs {
  config: HfConfig;
  checkpoint: CheckpointShapes | null;
}

export async function makePlan(options: AutoOptOptions, inputs: PlanInputs): Promise<SplitPlan | undefined> {
  const { split } = options;
  if (split.method === 'none') return undefined;
  const runtime = await withRuntimeOverhead(runtimeModelFromConfig(inputs.config, ioPrecision(options), options.contextLength), options.provider);
  const computedRows = () => writtenCostRows(describeModules(inputs.config, inputs.checkpoint ?? undefined), options);
  if (split.method === 'num-splits') {
    return planEqualSplits(inputs.config.num_hidden_layers, split.numSplits, { rows: computedRows(), model: runtime });
  }
  const rows = split.costModel ? await readCostModel(split.costModel, inputs) : computedRows();
  return planMemorySplits(rows, split.memoryBytes, memoryPlanOptions(options, runtime));
}

/** The memory-plan flags as the planner takes them, with the sizes for the runtime estimate. */
export function memoryPlanOptions(options: AutoOptOptions, model: RuntimeModel): MemoryPlanOptions {
  return { strategy: options.splitStrategy, granularity: options.splitGranularity, budgetCovers: options.budgetCovers, model };
}

async function readCostModel(file: string, inputs: PlanInputs): Promise<CostRow[]> {
  const rows = await readCostCsv(file);
  checkCostTableMatchesModel(rows, describeModules(inputs.config, inputs.checkpoint ?? undefined), file);
  return rows;
}

/**
 * The cost of each module as auto-opt will write it. int4/int8 quantize only the Linear (MatMul) weights: the
 * embedding and norms keep the float type, so a table computed at the quantized width for every row (as a
 * generate-cost-model table is) would undercount them.
 */
export function writtenCostRows(modules: ModuleSpec[], options: Pick<AutoOptOptions, 'precision' | 'provider'>): CostRow[] {
  const quantized = costTable(modules, options.precision);
  if (options.precision === 'fp32' || options.precision === 'fp16') return quantized;
  const float = costTable(modules, ioPrecision(options));
  return modules.map((module, i) => (module.kind === 'linear' ? quantized[i] : float[i]));
}

/** The I/O (and KV cache) float type the built model uses (REFERENCE §5). */
export function ioPrecision(options: Pick<AutoOptOptions, 'precision' | 'provider'>): IoPrecision {
  if (options.precision === 'fp16') return 'fp16';
  const quantized = options.precision === 'int4' || options.precision === 'int8';
  return quantized && options.provider === 'CUDAExecutionProvider' ? 'fp16' : 'fp32';
}
