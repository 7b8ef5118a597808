import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCostCsv } from '../../src/cost/read-cost-csv.ts';
import { writeCostCsv } from '../../src/cost/write-cost-csv.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const tempDir = useTempDirs('olive-cost-io');
let work: string;
beforeAll(async () => {
  work = await tempDir();
});

describe('cost table files', () => {
  it('reads a table written into a folder that did not exist yet', async () => {
    const file = path.join(work, 'new', 'folder', 'cost.csv');
    await writeCostCsv(file, [{ module: 'lm_head', numParams: 4, numBytes: 8, numFlops: 8 }]);
    expect(await readCostCsv(file)).toEqual([{ module: 'lm_head', numParams: 4, numBytes: 8, numFlops: 8 }]);
  });

  it('says when the path is missing or a folder', async () => {
    await expect(readCostCsv(path.join(work, 'absent.csv'))).rejects.toThrow('cost model not found');
    await expect(readCostCsv(work)).rejects.toThrow('is not a file');
  });

  it('names the line of a malformed row', async () => {
    const file = path.join(work, 'bad.csv');
    await writeFile(file, 'module,num_params,num_bytes,num_flops\nlm_head,4,-8,8\n');
    await expect(readCostCsv(file)).rejects.toThrow(/line 2/);
  });
});
