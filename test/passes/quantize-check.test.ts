import { describe, expect, it } from 'vitest';
import { blockQuantize, worstErrorInScales, type BlockQuantizeSettings, type QuantBits } from '../../src/passes/quantize/block-quantize.ts';
import { randomFloats } from './onnx-test-models.ts';

describe('the per-weight quantization check', () => {
  const rows = 7;
  const k = 100; // 4 blocks of 32, the last partial
  for (const bits of [4, 8] as QuantBits[]) {
    for (const symmetric of [true, false]) {
      for (const scaleType of ['float32', 'float16'] as const) {
        it(`${bits} bits, ${symmetric ? 'symmetric' : 'with zero points'}, ${scaleType} scales: a correct weight stays within one scale`, () => {
          const settings: BlockQuantizeSettings = { bits, blockSize: 32, symmetric, scaleType };
          const weight = { values: randomFloats(rows * k, bits + k), rows, k };
          const worst = worstErrorInScales(weight, blockQuantize(weight, settings), settings);
          expect(worst).toBeGreaterThan(0.2);
          expect(worst).toBeLessThanOrEqual(1.01);
        });
      }
    }
  }

  it('a wrong code, a wrong scale or a wrong layout shows as several scales', () => {
    const settings: BlockQuantizeSettings = { bits: 4, blockSize: 32, symmetric: true, scaleType: 'float32' };
    const weight = { values: randomFloats(rows * k, 5), rows, k };
    const flipped = blockQuantize(weight, settings);
    flipped.packed[3] ^= 0x88;
    expect(worstErrorInScales(weight, flipped, settings)).toBeGreaterThan(2);
    const scaled = blockQuantize(weight, settings);
    scaled.scales[1] *= 4;
    expect(worstErrorInScales(weight, scaled, settings)).toBeGreaterThan(2);
    const transposed = { values: weight.values, rows, k, rowStride: 1, kStride: rows };
    expect(worstErrorInScales(transposed, blockQuantize(weight, settings), settings)).toBeGreaterThan(2);
  });

  it('a block of zeros must come back exactly', () => {
    const settings: BlockQuantizeSettings = { bits: 4, blockSize: 32, symmetric: true, scaleType: 'float32' };
    const weight = { values: new Float32Array(32), rows: 1, k: 32 };
    const quantized = blockQuantize(weight, settings);
    expect(worstErrorInScales(weight, quantized, settings)).toBe(0);
    weight.values[0] = 0.5;
    expect(worstErrorInScales(weight, quantized, settings)).toBe(Infinity);
  });
});
