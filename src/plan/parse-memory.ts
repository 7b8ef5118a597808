/**
 * Memory sizes as --memory takes them. Olive's own parser takes whole numbers only (plain bytes or KB/MB/GB/TB);
 * the default dialect here accepts everything Olive does, with the same value, plus fractions and binary units.
 * The 'olive' dialect refuses what Olive refuses, for users who want a command line that also runs under Olive.
 */
import { OliveError } from '../errors.ts';

export type MemoryDialect = 'olive-node' | 'olive';

const DECIMAL_UNITS: Record<string, bigint> = { kb: 10n ** 3n, mb: 10n ** 6n, gb: 10n ** 9n, tb: 10n ** 12n };
const BINARY_UNITS: Record<string, bigint> = { kib: 2n ** 10n, mib: 2n ** 20n, gib: 2n ** 30n, tib: 2n ** 40n };
const SIZE_PATTERN = /^(\d+)(?:\.(\d+))?\s*([a-z]*)$/i;

const ACCEPTED_FORMS: Record<MemoryDialect, string> = {
  'olive-node':
    'a whole number of bytes (2000000000), or a number with a unit: KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), in any case, e.g. 2GB, 1.5GiB, 512 mb',
  olive: 'a whole number of bytes (2000000000), or a whole number with KB, MB, GB or TB (powers of 1000), e.g. 2GB',
};

/** Bytes in `text`, rounded down to a whole byte (a budget is a capacity: a fraction of a byte holds nothing). */
export function parseMemory(text: string, dialect: MemoryDialect = 'olive-node', flag = '--memory'): number {
  const match = SIZE_PATTERN.exec(text.trim());
  const unitBytes = match ? unitsOf(dialect)[match[3].toLowerCase()] : undefined;
  const hasFraction = match?.[2] !== undefined;
  const fractionAllowed = dialect === 'olive-node' && match?.[3] !== '';
  if (!match || unitBytes === undefined || (hasFraction && !fractionAllowed)) {
    throw new OliveError(`${flag} '${text}' is not a memory size: use ${ACCEPTED_FORMS[dialect]}`);
  }
  const bytes = scaledBytes(match[1], match[2] ?? '', unitBytes);
  if (bytes <= 0n) throw new OliveError(`${flag} '${text}' must be more than 0 bytes`);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) throw new OliveError(`${flag} '${text}' is too large (at most ${Number.MAX_SAFE_INTEGER} bytes)`);
  return Number(bytes);
}

function unitsOf(dialect: MemoryDialect): Record<string, bigint> {
  const plain = { '': 1n };
  return dialect === 'olive' ? { ...plain, ...DECIMAL_UNITS } : { ...plain, b: 1n, ...DECIMAL_UNITS, ...BINARY_UNITS };
}

/** Exact decimal arithmetic: 4.35GB is 4350000000 bytes, which 4.35 * 1e9 in floating point is not. */
function scaledBytes(whole: string, fraction: string, unitBytes: bigint): bigint {
  const denominator = 10n ** BigInt(fraction.length);
  return (BigInt(whole + fraction) * unitBytes) / denominator;
}
