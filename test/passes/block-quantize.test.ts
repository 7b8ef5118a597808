import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/onnx/data-types.ts';
import { blockQuantize, dequantize, kBlockCount, type BlockQuantizeSettings, type QuantBits } from '../../src/passes/quantize/block-quantize.ts';
import { f32, floatTensor, intAttr, matmulRowMajor, maxAbs, maxAbsDiff, model, node, randomFloats, rawTensor, runModel, valueInfo } from './onnx-test-models.ts';

function matMulNBitsModel(n: number, k: number, settings: BlockQuantizeSettings, weight: Float32Array, accuracyLevel: number) {
  const q = blockQuantize({ values: weight, rows: n, k }, settings);
  const kBlocks = kBlockCount(k, settings.blockSize);
  const initializer = [
    rawTensor('B', DataType.UINT8, [n, kBlocks, (settings.blockSize * settings.bits) / 8], q.packed),
    floatTensor('scales', [n * kBlocks], q.scales),
  ];
  const inputs = ['A', 'B', 'scales'];
  if (q.zeroPoints) {
    initializer.push(rawTensor('zero_points', DataType.UINT8, [q.zeroPoints.length], q.zeroPoints));
    inputs.push('zero_points');
  }
  const attribute = [intAttr('K', k), intAttr('N', n), intAttr('bits', settings.bits), intAttr('block_size', settings.blockSize), intAttr('accuracy_level', accuracyLevel)];
  const proto = model({
    name: 'nbits',
    node: [node('MatMulNBits', inputs, ['Y'], { domain: 'com.microsoft', attribute })],
    initializer,
    input: [valueInfo('A', DataType.FLOAT, ['M', k])],
    output: [valueInfo('Y', DataType.FLOAT, ['M', n])],
  });
  return { proto, quantized: q };
}

const CASES: { n: number; k: number; blockSize: number }[] = [
  { n: 8, k: 64, blockSize: 32 },
  { n: 5, k: 70, blockSize: 32 }, // K not a multiple of the block size, odd N
  { n: 3, k: 33, blockSize: 16 }, // odd K: the last byte holds one 4-bit code
  { n: 17, k: 200, blockSize: 128 },
];

describe('MatMulNBits packing', () => {
  for (const bits of [4, 8] as QuantBits[]) {
    for (const symmetric of [true, false]) {
      for (const { n, k, blockSize } of CASES) {
        it(`bits ${bits} ${symmetric ? 'symmetric' : 'zero points'} N=${n} K=${k} block ${blockSize}: ORT equals dequantize-then-multiply`, async () => {
          const settings: BlockQuantizeSettings = { bits, blockSize, symmetric, scaleType: 'float32' };
          const weight = randomFloats(n * k, n * 1000 + k);
          const m = 3;
          const a = randomFloats(m * k, 7 + k);
          const { proto, quantized } = matMulNBitsModel(n, k, settings, weight, 0);
          const { Y } = await runModel(proto, { A: f32(a, [m, k]) });
          const reference = matmulRowMajor(a, m, k, dequantize(quantized, n, k, settings), n);
          expect(Y.dims).toEqual([m, n]);
          expect(maxAbsDiff(Y.data as Float32Array, reference)).toBeLessThan(1e-4 * Math.max(1, maxAbs(reference)));
        });
      }
    }
  }
});

describe('symmetric round-to-nearest (REFERENCE §6)', () => {
  it('maps the largest-magnitude element to code 0 and zero to code 8', () => {
    const values = Float32Array.from([0, 1, -2, 0.5, ...new Array(12).fill(0)]);
    const q = blockQuantize({ values, rows: 1, k: 16 }, { bits: 4, blockSize: 16, symmetric: true, scaleType: 'float32' });
    expect(q.scales[0]).toBe(0.25); // −(−2)/8
    // codes: 0→8, 1→12, −2→0, 0.5→10; two per byte, low nibble first
    expect(q.packed[0]).toBe(8 | (12 << 4));
    expect(q.packed[1]).toBe(0 | (10 << 4));
  });

  it('rounds halves away from zero and clamps at 15', () => {
    // scale = −(−8)/8 = 1: v + 8 = 8.5 → 9, 7.5 → 8 (away from zero, not to even), −8 → 0, 7.9 → 15.9 → 15
    const values = Float32Array.from([-8, 0.5, -0.5, 7.9, ...new Array(12).fill(0)]);
    const q = blockQuantize({ values, rows: 1, k: 16 }, { bits: 4, blockSize: 16, symmetric: true, scaleType: 'float32' });
    expect(q.scales[0]).toBe(1);
    expect(q.packed[0]).toBe(0 | (9 << 4));
    expect(q.packed[1]).toBe(8 | (15 << 4));
  });

  it('uses 128 as the implied zero point for 8 bits and pads a partial block with zero bytes', () => {
    const values = Float32Array.from([1, -0.5, 0.25]);
    const q = blockQuantize({ values, rows: 1, k: 3 }, { bits: 8, blockSize: 16, symmetric: true, scaleType: 'float32' });
    expect(q.scales[0]).toBe(-1 / 128);
    expect(Array.from(q.packed.subarray(0, 4))).toEqual([0, 192, 96, 0]);
    expect(q.packed.length).toBe(16);
  });

  it('rounds scales to float16 before quantizing when the weights are fp16', () => {
    const values = Float32Array.from([0.1, ...new Array(15).fill(0.03)]);
    const q = blockQuantize({ values, rows: 1, k: 16 }, { bits: 4, blockSize: 16, symmetric: true, scaleType: 'float16' });
    expect(q.scales[0]).not.toBe(Math.fround(-0.1 / 8));
    expect(Math.abs(q.scales[0] - -0.1 / 8)).toBeLessThan(1e-5);
  });

  it('gives an all-zero block scale 0 and the zero point as every code', () => {
    const q = blockQuantize({ values: new Float32Array(16), rows: 1, k: 16 }, { bits: 4, blockSize: 16, symmetric: true, scaleType: 'float32' });
    expect(Math.abs(q.scales[0])).toBe(0); // −0, as ORT's −m/8 gives for m = 0
    expect(Array.from(q.packed)).toEqual(new Array(8).fill(0x88));
  });

  it('keeps codes in range for subnormal weights, whose reciprocal scale overflows', () => {
    const values = Float32Array.from({ length: 16 }, (_, i) => (i % 2 ? 1 : -1) * 1e-45 * (i + 1));
    const q = blockQuantize({ values, rows: 1, k: 16 }, { bits: 4, blockSize: 16, symmetric: true, scaleType: 'float32' });
    for (const byte of q.packed) {
      expect(byte & 0xf).toBeLessThanOrEqual(15);
      expect(byte >> 4).toBeLessThanOrEqual(15);
    }
  });

  it('reads a [K, N] matrix through strides exactly as its transpose', () => {
    const k = 40;
    const n = 3;
    const kn = randomFloats(k * n, 5);
    const nk = new Float32Array(k * n);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) nk[j * k + i] = kn[i * n + j];
    const settings: BlockQuantizeSettings = { bits: 4, blockSize: 16, symmetric: false, scaleType: 'float32' };
    const strided = blockQuantize({ values: kn, rows: n, k, rowStride: 1, kStride: n }, settings);
    const direct = blockQuantize({ values: nk, rows: n, k }, settings);
    expect(Array.from(strided.packed)).toEqual(Array.from(direct.packed));
    expect(Array.from(strided.scales)).toEqual(Array.from(direct.scales));
    expect(Array.from(strided.zeroPoints!)).toEqual(Array.from(direct.zeroPoints!));
  });
});
