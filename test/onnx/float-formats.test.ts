import { describe, expect, it } from 'vitest';
import { convertFloats, decodeFloats, encodeFloats, floatBitsToBfloat, floatBitsToHalf } from '../../src/onnx/float-formats.ts';
import { transposeMatrix } from '../../src/convert/weight-source.ts';

function bitsOf(value: number): number {
  return new Uint32Array(new Float32Array([value]).buffer)[0];
}

describe('float narrowing rounds to nearest, ties to even', () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00], // halfway past the largest half rounds up to Infinity
    [1 + 2 ** -11, 0x3c00], // tie between 1 and 1+2^-10: even mantissa (1) wins
    [1 + 3 * 2 ** -11, 0x3c02], // tie between 1+2^-10 and 1+2^-9: even wins
    [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just past the tie rounds up
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // tie with zero goes to zero
    [3 * 2 ** -25, 0x0002], // tie between subnormals 1 and 2: even
    [2 ** -14 - 2 ** -25, 0x0400], // rounds up into the smallest normal
    [Infinity, 0x7c00],
  ])('half(%d) = %s', (value, expected) => {
    expect(floatBitsToHalf(bitsOf(value))).toBe(expected);
  });

  it('keeps NaN a NaN in both narrow formats', () => {
    expect(floatBitsToHalf(bitsOf(NaN)) & 0x7fff).toBeGreaterThan(0x7c00);
    expect(floatBitsToBfloat(bitsOf(NaN)) & 0x7fff).toBeGreaterThan(0x7f80);
  });

  it.each([
    [1, 0x3f80],
    [1 + 2 ** -8, 0x3f80], // tie: even
    [1 + 3 * 2 ** -8, 0x3f82], // tie: even
    [1 + 2 ** -8 + 2 ** -20, 0x3f81],
    [-3.5, 0xc060],
  ])('bfloat(%d) = %s', (value, expected) => {
    expect(floatBitsToBfloat(bitsOf(value))).toBe(expected);
  });

  it('widens exactly and round-trips every half and bfloat value', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const bytes = new Uint8Array(all.buffer);
    for (const format of ['F16', 'BF16'] as const) {
      const back = new Uint16Array(convertFloats(convertFloats(bytes, format, 'F32'), 'F32', format).buffer);
      const widened = decodeFloats(bytes, format);
      const mismatches = [...all].filter((bits, i) => back[i] !== bits && !Number.isNaN(widened[i]));
      expect(mismatches).toEqual([]);
    }
    expect([...decodeFloats(encodeFloats(new Float32Array([0.5, -1.25]), 'F16'), 'F16')]).toEqual([0.5, -1.25]);
  });
});

describe('transposeMatrix', () => {
  it('turns [out, in] into [in, out]', () => {
    expect([...transposeMatrix(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3)]).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
