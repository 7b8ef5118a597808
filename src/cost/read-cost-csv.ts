/** Read a cost table file (Olive's CSV, or ours) with errors that say what is wrong with the path. */
import { readFile, stat } from 'node:fs/promises';
import { OliveError } from '../errors.ts';
import { parseCostCsv } from './parse-cost-csv.ts';
import type { CostRow } from './types.ts';

/**
 * A cost table has a row per module: ~10 per layer, so 4,096 layers (past any model) make ~41,000 rows of under
 * 100 bytes. A file past 8 MiB is not a cost table; it is refused before it is read (a million rows took 1.25 GB).
 */
export const MAX_COST_CSV_BYTES = 8 * 1024 * 1024;

export async function readCostCsv(file: string): Promise<CostRow[]> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new OliveError(`cost model not found: ${file}`);
  if (!info.isFile()) throw new OliveError(`cost model ${file} is not a file: give the .csv path`);
  if (info.size > MAX_COST_CSV_BYTES) {
    throw new OliveError(`cost model ${file} is ${info.size} bytes, beyond the limit of ${MAX_COST_CSV_BYTES} for a cost table: refused`);
  }
  return parseCostCsv(await readFile(file, 'utf8'), file);
}
