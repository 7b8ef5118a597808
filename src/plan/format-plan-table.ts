/** The plan as an aligned text table, the form --dry_run prints: one row per split, then the totals. */
import { formatBytes } from '../format/bytes.ts';
import type { PlanSplit, SplitPlan } from './types.ts';

const HEADER = ['split', 'layers', 'weights', 'KV cache', 'activations', 'runtime', 'FLOPs/token', 'modules'];
/** Columns holding numbers are right-aligned; the layer range and module names read better left-aligned. */
const LEFT_ALIGNED = new Set(['split', 'layers', 'modules']);
const NOT_KNOWN = '-';

export function formatPlanTable(plan: SplitPlan): string {
  const rows = [HEADER, ...plan.splits.map((split) => splitCells(split, plan)), totalCells(plan)];
  return [planTitle(plan), ...alignColumns(rows)].join('\n') + '\n';
}

function planTitle(plan: SplitPlan): string {
  const count = `${plan.splits.length} split${plan.splits.length === 1 ? '' : 's'} of ${plan.num_layers} decoder layers`;
  const context = plan.context_length === undefined ? '' : `, runtime estimated for ${plan.context_length} tokens`;
  if (plan.method === 'num-splits') return `equal plan (--num-splits): ${count}${context}`;
  const budget = `each within ${formatBytes(plan.budget_bytes ?? 0)} of ${plan.budget_covers === 'runtime' ? 'runtime estimate' : 'weights'}`;
  return `memory plan (${plan.strategy}, ${plan.granularity} granularity): ${count}, ${budget}${context}`;
}

function splitCells(split: PlanSplit, plan: SplitPlan): string[] {
  const costs = plan.costs_known !== false;
  const runtime = plan.context_length !== undefined;
  return [
    String(split.index),
    split.layers ? `${split.layers[0]}-${split.layers[1]}` : 'none',
    costs ? formatBytes(split.weight_bytes) : NOT_KNOWN,
    runtime ? formatBytes(split.kv_cache_bytes) : NOT_KNOWN,
    runtime ? formatBytes(split.activation_bytes) : NOT_KNOWN,
    costs && runtime ? formatBytes(split.runtime_bytes) : NOT_KNOWN,
    costs ? formatFlops(split.flops_per_token) : NOT_KNOWN,
    moduleSpan(split.modules),
  ];
}

function totalCells(plan: SplitPlan): string[] {
  const sum = (field: 'weight_bytes' | 'kv_cache_bytes' | 'flops_per_token') => plan.splits.reduce((total, split) => total + split[field], 0);
  const costs = plan.costs_known !== false;
  const runtime = plan.context_length !== undefined;
  return [
    'total',
    '',
    costs ? formatBytes(sum('weight_bytes')) : NOT_KNOWN,
    runtime ? formatBytes(sum('kv_cache_bytes')) : NOT_KNOWN,
    '',
    '',
    costs ? formatFlops(sum('flops_per_token')) : NOT_KNOWN,
    `${plan.splits.reduce((total, split) => total + split.modules.length, 0)} entries`,
  ];
}

function moduleSpan(modules: readonly string[]): string {
  if (modules.length <= 1) return modules[0] ?? '';
  return `${modules.length}: ${modules[0]} .. ${modules.at(-1)}`;
}

function formatFlops(flops: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let value = flops;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? String(value) : `${value.toFixed(2)} ${units[unit]}`;
}

function alignColumns(rows: readonly string[][]): string[] {
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (LEFT_ALIGNED.has(HEADER[column]) ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ')
      .trimEnd(),
  );
}
