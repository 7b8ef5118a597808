import { describe, expect, it } from 'vitest';
import { OliveError, UsageError } from '../../src/errors.ts';
import { validateSplitFlags } from '../../src/plan/validate-split-flags.ts';

describe('validateSplitFlags', () => {
  it("gives Olive's own error for --cost-model without --memory", () => {
    expect(() => validateSplitFlags({ costModel: 'cost.csv' })).toThrow(new OliveError('memory is required if cost_model is provided.'));
  });

  it('refuses --num-splits with --cost-model', () => {
    expect(() => validateSplitFlags({ numSplits: 2, costModel: 'cost.csv', memory: '2GB' })).toThrow(UsageError);
    expect(() => validateSplitFlags({ numSplits: 2, costModel: 'cost.csv' })).toThrow(/--num-splits and --cost-model cannot be used together/);
  });

  it.each([0, -3, 1.5])('refuses --num-splits %d', (numSplits) => {
    expect(() => validateSplitFlags({ numSplits })).toThrow(`--num-splits must be a whole number ≥ 1, got ${numSplits}`);
  });

  it('says which plan the flags ask for', () => {
    expect(validateSplitFlags({})).toEqual({ method: 'none' });
    expect(validateSplitFlags({ numSplits: 4 })).toEqual({ method: 'num-splits', numSplits: 4 });
    expect(validateSplitFlags({ numSplits: 4, memory: '2GB' })).toEqual({ method: 'num-splits', numSplits: 4 });
    expect(validateSplitFlags({ costModel: 'c.csv', memory: '2GB' })).toEqual({ method: 'memory', memoryBytes: 2e9, costModel: 'c.csv' });
    expect(validateSplitFlags({ memory: '1.5GiB' })).toEqual({ method: 'memory', memoryBytes: 1.5 * 2 ** 30, costModel: undefined });
  });

  it('refuses a bad memory size with the accepted forms', () => {
    expect(() => validateSplitFlags({ costModel: 'c.csv', memory: '2 gigs' })).toThrow(/--memory '2 gigs' is not a memory size: use a whole number of bytes/);
  });
});
