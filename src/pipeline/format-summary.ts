/** The summary auto-opt prints at the end (or, for --dry_run, the plan and the stages it would run). */
import { formatBytes } from '../format/bytes.ts';
import { formatPlanTable } from '../plan/format-plan-table.ts';
import { formatTable } from '../format/table.ts';
import { formatValidationReport } from '../runtime/format-validation-report.ts';
import type { AutoOptResult } from './result.ts';

export function formatAutoOptSummary(result: AutoOptResult): string {
  const sections = [headline(result)];
  if (result.plan) sections.push(formatPlanTable({ ...result.plan, splits: result.splits }));
  if (result.dry_run) sections.push(dryRunStages(result));
  else {
    if (result.splits.length > 0) sections.push(splitTable(result));
    if (result.shared_initializers.length > 0) sections.push(sharedLine(result));
    if (result.quantization) sections.push(quantizationLine(result.quantization));
    if (result.validation) sections.push(formatValidationReport(result.validation));
    sections.push(stageLine(result));
  }
  if (result.config_file) sections.push(`run configuration saved to ${result.config_file}`);
  return `${sections.join('\n\n')}\n`;
}

function headline(result: AutoOptResult): string {
  const what = `${result.model.source} → ${result.precision} for ${result.provider}`;
  if (result.dry_run) return `Dry run: ${what}. No model written.`;
  const count = result.splits.length;
  const splits = count === 0 ? 'one model' : count === 1 ? '1 split' : `${count} splits`;
  return `Wrote ${splits} to ${result.output_path} (${what}).`;
}

/** The estimate and the measurement side by side, each labelled with the tokens it is for. */
function splitTable(result: AutoOptResult): string {
  const measuredTokens = result.validation?.memoryRun?.tokens;
  const estimatedTokens = result.plan?.context_length;
  const rows = result.splits.map((split) => [
    String(split.index),
    split.file ?? '-',
    split.layers ? `${split.layers[0]}-${split.layers[1]}` : 'none',
    String(split.modules.length),
    split.file_bytes === undefined ? '-' : formatBytes(split.file_bytes),
    formatBytes(split.runtime_bytes),
    split.measured_peak_rss_bytes == null ? '-' : formatBytes(split.measured_peak_rss_bytes),
  ]);
  const estimated = estimatedTokens === undefined ? 'estimated runtime' : `estimated runtime (${estimatedTokens} tokens)`;
  const measured = measuredTokens === undefined ? 'measured RSS' : `measured RSS (${measuredTokens} tokens)`;
  return formatTable(['split', 'file', 'layers', 'modules', 'on disk', estimated, measured], rows);
}

function quantizationLine(q: NonNullable<AutoOptResult['quantization']>): string {
  return (
    `quantized ${q.quantized_nodes} MatMul weights to int${q.bits} (block ${q.block_size}): ${formatBytes(q.bytes_before)} → ${formatBytes(q.bytes_after)}; ` +
    `left ${q.left_nodes} in float (${formatBytes(q.left_bytes)})`
  );
}

function stageLine(result: AutoOptResult): string {
  return `time per stage: ${result.stages.map((s) => `${s.stage} ${s.seconds.toFixed(1)} s`).join(', ')}`;
}

function dryRunStages(result: AutoOptResult): string {
  const stages = ['load', 'convert', result.precision === 'int4' || result.precision === 'int8' ? `quantize (${result.precision})` : undefined];
  if (result.plan) stages.push(`split (${result.splits.length})`, 'validate');
  stages.push('write');
  return `stages: ${stages.filter(Boolean).join(' → ')}`;
}

function sharedLine(result: AutoOptResult): string {
  const listed = result.shared_initializers.map((entry) => `${entry.name} ${formatBytes(entry.bytes)} in splits ${entry.splits.join(', ')}`);
  return `copied into several splits (${formatBytes(result.duplicated_bytes)} duplicated): ${listed.join('; ')}`;
}
