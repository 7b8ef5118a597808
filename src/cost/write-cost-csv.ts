import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OliveError } from '../errors.ts';
import { formatCostCsv } from './format-cost-csv.ts';
import type { CostRow } from './types.ts';

/** Write the table next to its final name, then rename: a reader never sees half a file. */
export async function writeCostCsv(file: string, rows: readonly CostRow[]): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, formatCostCsv(rows));
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new OliveError(`cannot write cost table ${file}: ${(error as Error).message}`, { cause: error });
  }
}
