/**
 * Validation found the cascade different from the unsplit model: the staged split was not published (an earlier
 * output in its place is kept), the report attached.
 */
import { OliveError } from '../errors.ts';
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
