import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCostCsv } from '../../src/cost/format-cost-csv.ts';
import { parseCostCsv } from '../../src/cost/parse-cost-csv.ts';

const HEADER = 'module,num_params,num_bytes,num_flops';

describe('parseCostCsv', () => {
  it("reads Olive's own table and writes it back unchanged", () => {
    const file = path.join(import.meta.dirname, '..', 'olive-tables', 'Phi-3.5-mini.csv');
    const text = readFileSync(file, 'utf8');
    const rows = parseCostCsv(text, file);
    expect(rows).toHaveLength(324);
    expect(rows[0]).toEqual({ module: 'model.embed_tokens', numParams: 98500608, numBytes: 197001216, numFlops: 1 });
    expect(formatCostCsv(rows)).toBe(text);
  });

  it('accepts whole numbers written as floats ("1536.0")', () => {
    const rows = parseCostCsv(`${HEADER}\nmodel.norm,3072,1536.0,12288.00\n`, 't.csv');
    expect(rows).toEqual([{ module: 'model.norm', numParams: 3072, numBytes: 1536, numFlops: 12288 }]);
  });

  it.each([
    ['a negative count', 'model.norm,-3072,6144,12288', "t.csv: line 3: num_params '-3072' must be a non-negative whole number"],
    ['a non-numeric count', 'model.norm,3072,lots,12288', "t.csv: line 3: num_bytes 'lots' must be a non-negative whole number"],
    ['a fraction', 'model.norm,3072,1536.5,12288', "t.csv: line 3: num_bytes '1536.5' must be a non-negative whole number"],
    ['a missing field', 'model.norm,3072,6144', 't.csv: line 3: expected 4 fields (module,num_params,num_bytes,num_flops), got 3'],
    ['an empty module name', ',3072,6144,12288', "t.csv: line 3: module '' must not be empty"],
    ['a duplicated module', 'model.embed_tokens,1,2,1', "t.csv: line 3: module 'model.embed_tokens' appears twice"],
  ])('rejects %s with its line number', (_case, line, message) => {
    expect(() => parseCostCsv(`${HEADER}\nmodel.embed_tokens,1,2,1\n${line}\n`, 't.csv')).toThrow(message);
  });

  it('rejects a wrong header and unbalanced quotes', () => {
    expect(() => parseCostCsv('name,params\nx,1\n', 't.csv')).toThrow("t.csv: line 1: header must be 'module,num_params,num_bytes,num_flops'");
    expect(() => parseCostCsv(`${HEADER}\n"model.norm,1,2,3\n`, 't.csv')).toThrow(/t.csv: not a valid CSV/);
  });
});
