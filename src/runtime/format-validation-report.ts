/** A validation report as text for the terminal: steps, largest difference, memory table, what was checked. */
import { formatBytes } from '../format/bytes.ts';
import { formatTable } from '../format/table.ts';
import type { SplitMemory, StepComparison, ValidationReport } from './types.ts';

export function formatValidationReport(report: ValidationReport): string {
  const lines = [
    `Validation of ${report.splitFiles.length} splits in ${report.splitDir} (${providerLine(report)}, ${report.mode} model)`,
    ...report.steps.map(stepLine),
    `  largest |difference| whole vs cascade: ${formatNumber(report.maxAbsDifference)} → ${report.passed ? 'PASSED' : 'FAILED'}`,
    ...memoryLines(report),
    ...report.checked.map((line) => `  checked: ${line}`),
    ...report.notChecked.map((line) => `  not checked: ${line}`),
  ];
  return lines.join('\n');
}

function providerLine(report: ValidationReport): string {
  return report.provider === report.requestedProvider ? report.provider : `${report.requestedProvider} requested, ran on ${report.provider}`;
}

function stepLine(step: StepComparison): string {
  if (step.outputs.length === 0) return `  ${step.step}: no outputs compared`;
  const worst = step.outputs.reduce((a, b) => (b.maxAbsDifference > a.maxAbsDifference ? b : a));
  const failing = step.outputs.filter((output) => !output.withinTolerance).map((output) => output.name);
  const verdict = failing.length > 0 ? `OUT OF TOLERANCE: ${failing.slice(0, 4).join(', ')}${failing.length > 4 ? ', …' : ''}` : 'all within tolerance';
  return `  ${step.step}: ${step.outputs.length} outputs compared, largest |Δ| ${formatNumber(worst.maxAbsDifference)} (${worst.name}) — ${verdict}`;
}

function memoryLines(report: ValidationReport): string[] {
  if (!report.memory) return [];
  const covers = report.budgetCovers ?? 'runtime';
  const table = formatTable(
    covers === 'weights'
      ? ['split', 'weights (plan)', 'as loaded: measured', 'estimate', 'measured/estimate', `vs ${budgetText(report)} budget of weights`]
      : ['split', 'peak: measured', 'estimate', 'measured/estimate', `vs ${budgetText(report)} runtime budget`],
    report.memory.map((split) => (covers === 'weights' ? weightsRow(split, report.budgetBytes) : runtimeRow(split, report.budgetBytes))),
  );
  const run = report.memoryRun?.description ?? 'one run';
  const overhead = report.runtimeOverheadBytes === undefined ? 'not measured' : `${formatBytes(report.runtimeOverheadBytes)}, ${report.runtimeOverheadSource}`;
  return [
    `  memory per split, each in its own child process: ${run}; above the child's ${formatBytes(report.baselineRssBytes ?? 0)} before loading`,
    `  ONNX Runtime's fixed overhead: ${overhead}`,
    covers === 'weights'
      ? '  weights as loaded = load peak less that overhead (prepacked copies included), set against the budget of weights:'
      : '  whole peak (overhead, weights as loaded, KV cache, activations) set against the runtime budget:',
    ...table.split('\n').map((line) => `    ${line}`),
  ];
}

function budgetText(report: ValidationReport): string {
  return report.budgetBytes === undefined ? 'no' : formatBytes(report.budgetBytes);
}

/**
 * RSS moves in allocator chunks and holds per-node session state as well as weights: the tiny fixtures' load peaks
 * (under 100 KB of weights) measured 0 to 4.5 MB above the empty session's from run to run, so a figure under this
 * cannot be told apart from that noise and the weights' verdict then rests on the plan's bytes.
 */
export const RSS_RESOLUTION_BYTES = 8 * 1024 * 1024;

function weightsRow(split: SplitMemory, budget: number | undefined): string[] {
  const unresolved = split.weightsAsLoadedBytes < RSS_RESOLUTION_BYTES && split.plannedWeightBytes !== undefined;
  return [
    split.file,
    split.plannedWeightBytes === undefined ? '—' : formatBytes(split.plannedWeightBytes),
    formatBytes(split.weightsAsLoadedBytes),
    split.estimateWeightsAsLoadedBytes === undefined ? '—' : formatBytes(split.estimateWeightsAsLoadedBytes),
    unresolved ? 'under RSS resolution' : ratio(split.weightsAsLoadedBytes, split.estimateWeightsAsLoadedBytes),
    unresolved ? `${budgetVerdict(split.plannedWeightBytes!, budget)} by plan` : budgetVerdict(split.weightsAsLoadedBytes, budget),
  ];
}

function runtimeRow(split: SplitMemory, budget: number | undefined): string[] {
  return [
    split.file,
    formatBytes(split.peakRssBytes),
    split.estimateBytes === undefined ? '—' : formatBytes(split.estimateBytes),
    ratio(split.peakRssBytes, split.estimateBytes),
    budgetVerdict(split.peakRssBytes, budget),
  ];
}

function ratio(measured: number, estimate: number | undefined): string {
  return estimate === undefined || estimate <= 0 ? '—' : (measured / estimate).toFixed(2);
}

/** The same quantity as the budget holds, so the share is of like with like. */
function budgetVerdict(bytes: number, budget: number | undefined): string {
  if (budget === undefined) return '—';
  const share = `${((100 * bytes) / budget).toFixed(0)}%`;
  return bytes <= budget ? `within (${share})` : `OVER (${share})`;
}

function formatNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  return value.toExponential(2);
}
