/** The split planner: pure functions from a cost table, a budget and the model's sizes to a SplitPlan. */
export type { BudgetCovers, MemoryPlanOptions, PlanSplit, RuntimeModel, SplitGranularity, SplitPlan, SplitStrategy } from './types.ts';
export { parseMemory, type MemoryDialect } from './parse-memory.ts';
export { planEqualSplits, type EqualPlanOptions } from './plan-equal-splits.ts';
export { planMemorySplits } from './plan-memory-splits.ts';
export { runtimeModelFromConfig } from './runtime-model-from-config.ts';
export { validateSplitFlags, type SplitFlags, type SplitRequest } from './validate-split-flags.ts';
export { formatPlanTable } from './format-plan-table.ts';
export { planToJson } from './plan-to-json.ts';
