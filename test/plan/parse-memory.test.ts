import { describe, expect, it } from 'vitest';
import { OliveError } from '../../src/errors.ts';
import { parseMemory } from '../../src/plan/parse-memory.ts';

describe('parseMemory', () => {
  it.each([
    ['2000000000', 2_000_000_000],
    ['512', 512],
    ['2GB', 2_000_000_000],
    ['2gb', 2_000_000_000],
    ['2 GB', 2_000_000_000],
    ['  2Gb  ', 2_000_000_000],
    ['1KB', 1000],
    ['3MB', 3_000_000],
    ['1TB', 1_000_000_000_000],
    ['1KiB', 1024],
    ['2GiB', 2 * 1024 ** 3],
    ['512 mib', 512 * 1024 ** 2],
    ['1tib', 1024 ** 4],
    ['1.5GB', 1_500_000_000],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['4.35GB', 4_350_000_000],
    ['0.5KB', 500],
    ['100B', 100],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseMemory(text)).toBe(bytes);
  });

  it('rounds a fraction of a byte down: a budget is a capacity', () => {
    expect(parseMemory('1.0005KB')).toBe(1000);
    expect(parseMemory('1.0009KiB')).toBe(1024);
  });

  it.each(['', 'GB', '2 G', '2GBs', '-2GB', '1,5GB', '1.5', '2e9', 'two GB', '.5GB', '2 PB'])('refuses %j and lists the accepted forms', (text) => {
    expect(() => parseMemory(text)).toThrow(OliveError);
    expect(() => parseMemory(text)).toThrow(/is not a memory size: use a whole number of bytes .*KB, MB, GB, TB \(powers of 1000\) or KiB, MiB, GiB, TiB \(powers of 1024\)/);
  });

  it('refuses zero and sizes past exact integers', () => {
    expect(() => parseMemory('0GB')).toThrow("--memory '0GB' must be more than 0 bytes");
    expect(() => parseMemory('99999999TB')).toThrow(/too large/);
  });

  it('names the flag it parses for', () => {
    expect(() => parseMemory('lots', 'olive-node', '--budget')).toThrow(/^--budget 'lots' is not a memory size/);
  });

  describe("Olive's dialect: whole numbers, decimal units", () => {
    it('accepts what Olive accepts, with the same value', () => {
      for (const text of ['2000000000', '2GB', '2gb', '16MB', '1TB']) expect(parseMemory(text, 'olive')).toBe(parseMemory(text));
    });

    it.each(['1.5GB', '2GiB', '100B'])('refuses %s', (text) => {
      expect(() => parseMemory(text, 'olive')).toThrow(/use a whole number of bytes \(2000000000\), or a whole number with KB, MB, GB or TB/);
    });
  });
});
