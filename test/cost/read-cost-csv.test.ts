import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCostCsv } from '../../src/cost/read-cost-csv.ts';
import { writeCostCsv } from '../../src/cost/write-cost-csv.ts';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'olive-cost-io-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
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
