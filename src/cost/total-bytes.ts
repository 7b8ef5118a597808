import type { CostRow } from './types.ts';

/** The weight bytes of a whole table (a tied weight counts once per module holding it, as Olive counts it). */
export function totalBytes(rows: readonly CostRow[]): number {
  return rows.reduce((sum, row) => sum + row.numBytes, 0);
}
