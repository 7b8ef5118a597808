/**
 * `--budget-covers runtime` promises that every split runs within the budget: after validation measured each
 * split (at the plan's context length, up to 4096 tokens) and before the staged output is published, a split whose
 * measured peak is over the budget fails the run, so an earlier output at -o stays as it was.
 */
import type { SplitPlan } from '../plan/types.ts';
import { RuntimeBudgetError } from '../split/split-validation-error.ts';
import type { SplitResult } from '../split/types.ts';

export function checkRuntimeBudget(result: SplitResult, plan: SplitPlan, publishedAs: string): SplitResult {
  const budget = plan.budget_bytes;
  const memory = result.validation?.memory;
  if (plan.budget_covers !== 'runtime' || budget === undefined || !memory) return result;
  const over = memory.filter((split) => split.peakRssBytes > budget);
  if (over.length === 0) return result;
  const worst = over.reduce((a, b) => (b.peakRssBytes > a.peakRssBytes ? b : a));
  const needed = Math.max(...memory.map((split) => split.peakRssBytes));
  throw new RuntimeBudgetError({ file: worst.file, measuredBytes: worst.peakRssBytes, estimateBytes: worst.estimateBytes, budgetBytes: budget, neededBytes: needed, run: result.validation!.memoryRun?.description ?? 'its run', outDir: publishedAs });
}
