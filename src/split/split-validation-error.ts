/**
 * Validation found the cascade different from the unsplit model: the staged split was not published (an earlier
 * output in its place is kept), the report attached.
 */
import { OliveError } from '../errors.ts';
import { formatBytes } from '../format/bytes.ts';
import type { ValidationReport } from '../runtime/types.ts';
import type { SplitResult } from './types.ts';

export class SplitValidationError extends OliveError {
  constructor(
    readonly result: SplitResult,
    readonly report: ValidationReport,
  ) {
    super(`split for '${result.outDir}' failed validation, so it was not published: ${firstFailure(report)} (formatValidationReport(error.report) has the details)`);
    this.name = 'SplitValidationError';
  }
}

function firstFailure(report: ValidationReport): string {
  for (const step of report.steps) {
    const output = step.outputs.find((candidate) => !candidate.withinTolerance);
    if (output) return `${output.name} differs from the unsplit model's by up to ${output.maxAbsDifference} at ${step.step}`;
  }
  return report.notChecked[0] ?? 'no step could be compared';
}

export interface RuntimeBudgetBreach {
  file: string;
  measuredBytes: number;
  estimateBytes: number | undefined;
  budgetBytes: number;
  /** The largest measured peak of all splits: a budget of at least this holds every split as planned. */
  neededBytes: number;
  run: string;
  outDir: string;
}

/** A split measured over a runtime budget (`--budget-covers runtime`): the staged output was not published. */
export class RuntimeBudgetError extends OliveError {
  constructor(readonly breach: RuntimeBudgetBreach) {
    const estimate = breach.estimateBytes === undefined ? '' : ` (estimated ${formatBytes(breach.estimateBytes)})`;
    super(
      `split ${breach.file} measured ${formatBytes(breach.measuredBytes)}${estimate} running ${breach.run}, over the ` +
        `${formatBytes(breach.budgetBytes)} runtime budget, so '${breach.outDir}' was not published: the budget these splits ` +
        `fit is ${formatBytes(breach.neededBytes)} (${breach.neededBytes} bytes, the largest measured)`,
    );
    this.name = 'RuntimeBudgetError';
  }
}
