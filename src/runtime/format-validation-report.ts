/** A validation report as text for the terminal: steps, largest difference, memory table, what was checked. */
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
  const worst = [...step.outputs].sort((a, b) => b.maxAbsDifference - a.maxAbsDifference);
  const failing = step.outputs.filter((output) => !output.withinTolerance).map((output) => output.name);
  const shown = worst.slice(0, 2).map((output) => `${output.name} ${formatNumber(output.maxAbsDifference)}`).join(', ');
  const verdict = failing.length > 0 ? `OUT OF TOLERANCE: ${failing.slice(0, 4).join(', ')}` : 'ok';
  return `  ${step.step}: ${step.outputs.length} outputs, max |Δ| ${shown || '—'} — ${verdict}`;
}

function memoryLines(report: ValidationReport): string[] {
  if (!report.memory) return [];
  const budget = report.budgetBytes === undefined ? 'none' : formatBytes(report.budgetBytes);
  return [
    `  peak RSS per split (own child process: load + first step, above its ${formatBytes(report.baselineRssBytes ?? 0)} before loading); budget ${budget}:`,
    `    ${pad('split', 14)}${pad('measured', 12)}${pad('estimate', 12)}vs budget`,
    ...report.memory.map((split) => memoryRow(split, report.budgetBytes)),
  ];
}

function memoryRow(split: SplitMemory, budget: number | undefined): string {
  const estimate = split.estimateBytes === undefined ? '—' : formatBytes(split.estimateBytes);
  const verdict = budget === undefined ? '—' : split.peakRssBytes <= budget ? `within (${percent(split.peakRssBytes, budget)})` : `OVER (${percent(split.peakRssBytes, budget)})`;
  return `    ${pad(split.file, 14)}${pad(formatBytes(split.peakRssBytes), 12)}${pad(estimate, 12)}${verdict}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function formatNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  return value.toExponential(2);
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(0)}%`;
}

function pad(text: string, width: number): string {
  return text.padEnd(width);
}
