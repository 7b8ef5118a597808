/**
 * Olive's cost-model pass (REFERENCE §3), row by row in table order, as run ends over `rows`: a new split starts
 * when the running bytes plus the row would exceed the memory, or when the row flips between memory-bound
 * (num_params > num_flops > 0: in practice the embedding, a lookup) and the rest, which gives the embedding a
 * split of its own. Dropout rows are left out by the caller (olivePlanRows), as Olive skips them.
 */
import type { CostRow } from '../cost/types.ts';

export function olivePlanRows(rows: readonly CostRow[]): CostRow[] {
  return rows.filter((row) => !row.module.toLowerCase().endsWith('dropout'));
}

export function partitionOlive(rows: readonly CostRow[], memory: number): number[] {
  const ends: number[] = [];
  let runBytes = 0;
  rows.forEach((row, i) => {
    const flipped = i > 0 && isMemoryBound(row) !== isMemoryBound(rows[i - 1]);
    if (i > 0 && (flipped || runBytes + row.numBytes > memory)) {
      ends.push(i);
      runBytes = 0;
    }
    runBytes += row.numBytes;
  });
  if (rows.length > 0) ends.push(rows.length);
  return ends;
}

function isMemoryBound(row: CostRow): boolean {
  return row.numParams > row.numFlops && row.numFlops > 0;
}
