/** Read a cost table file (Olive's CSV, or ours) with errors that say what is wrong with the path. */
import { readFile, stat } from 'node:fs/promises';
import { OliveError } from '../errors.ts';
import { parseCostCsv } from './parse-cost-csv.ts';
import type { CostRow } from './types.ts';

export async function readCostCsv(file: string): Promise<CostRow[]> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new OliveError(`cost model not found: ${file}`);
  if (!info.isFile()) throw new OliveError(`cost model ${file} is not a file: give the .csv path`);
  return parseCostCsv(await readFile(file, 'utf8'), file);
}
