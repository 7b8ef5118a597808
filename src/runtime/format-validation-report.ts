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
  const budget = report.budgetBytes === undefined ? 'none' : `${formatBytes(report.budgetBytes)}${budgetScope(report)}`;
  const table = formatTable(
    ['split', 'measured', 'estimate', 'vs budget'],
    report.memory.map((split) => memoryRow(split, report.budgetBytes)),
  );
  return [
    `  peak RSS per split (own child process: load + first step, above its ${formatBytes(report.baselineRssBytes ?? 0)} before loading); budget ${budget}:`,
    ...table.split('\n').map((line) => `    ${line}`),
  ];
}

function memoryRow(split: SplitMemory, budget: number | undefined): string[] {
  const estimate = split.estimateBytes === undefined ? '—' : formatBytes(split.estimateBytes);
  return [split.file, formatBytes(split.peakRssBytes), estimate, budgetVerdict(split.peakRssBytes, budget)];
}

function budgetVerdict(bytes: number, budget: number | undefined): string {
  if (budget === undefined) return '—';
  const share = `${((100 * bytes) / budget).toFixed(0)}%`;
  return bytes <= budget ? `within (${share})` : `OVER (${share})`;
}

function formatNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  return value.toExponential(2);
}

/** A weights-only budget (Olive's) says nothing of the runtime's own memory, which every measurement includes. */
function budgetScope(report: ValidationReport): string {
  return report.budgetCovers === 'weights' ? ' of weights only (the measurement also holds ONNX Runtime and activations)' : '';
}
