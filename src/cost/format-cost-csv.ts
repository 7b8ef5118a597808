import type { CostRow } from './types.ts';

export const COST_CSV_HEADER = 'module,num_params,num_bytes,num_flops';

/** Olive's cost-table CSV: the header, one line per module, integers written plainly, "\n" line ends. */
export function formatCostCsv(rows: readonly CostRow[]): string {
  const lines = rows.map((row) => `${row.module},${row.numParams},${row.numBytes},${row.numFlops}`);
  return `${[COST_CSV_HEADER, ...lines].join('\n')}\n`;
}
