import { afterAll, describe, expect, it } from 'vitest';
import { decodeFloats, encodeFloats } from '../../src/onnx/float-formats.ts';
import { DataType } from '../../src/onnx/data-types.ts';
import type { TensorSource } from '../../src/onnx/tensor-source.ts';
import { WorkerPool } from '../../src/threads/worker-pool.ts';
import { blockQuantize, type BlockQuantizeSettings, type QuantBits } from '../../src/passes/quantize/block-quantize.ts';
import { quantizeWeight, type QuantizePool, type WeightToQuantize } from '../../src/passes/quantize/quantize-weight.ts';
import type { SlabJob, SlabResult, WeightLayout } from '../../src/passes/quantize/slab-job.ts';
import { randomFloats } from './onnx-test-models.ts';

const pool: QuantizePool = new WorkerPool<SlabJob, SlabResult>(new URL('../../src/passes/quantize/quantize-worker.ts', import.meta.url), 2, (job) => [job.bytes]);
afterAll(() => pool.close());

/** A producer that hands the bytes over in awkward 1000-byte chunks, as a converting reader might. */
function chunkedSource(bytes: Uint8Array): TensorSource {
  return {
    kind: 'producer',
    length: bytes.length,
    produce: async function* () {
      for (let at = 0; at < bytes.length; at += 1000) yield bytes.slice(at, at + 1000);
    },
  };
}

function rowMajor(values: Float32Array, layout: WeightLayout, k: number, n: number): Float32Array {
  if (layout === 'nk') return values;
  const out = new Float32Array(k * n);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) out[j * k + i] = values[i * n + j];
  return out;
}

describe('quantizeWeight (slabs across workers)', () => {
  const k = 300; // 10 blocks of 32, the last partial
  const n = 21;
  for (const layout of ['kn', 'nk'] as WeightLayout[]) {
    for (const bits of [4, 8] as QuantBits[]) {
      it(`${layout} bits ${bits}: slab by slab equals the whole matrix at once (zero points included)`, async () => {
        const values = randomFloats(k * n, 11);
        const settings: BlockQuantizeSettings = { bits, blockSize: 32, symmetric: false, scaleType: 'float32' };
        const weight: WeightToQuantize = {
          name: 'w', source: chunkedSource(new Uint8Array(values.buffer)), dataType: DataType.FLOAT, layout, k, n, alpha: 1,
        };
        // 2000 bytes per slab: 64 K rows (kn) or 1 output row (nk), so many slabs
        const sliced = await quantizeWeight(weight, settings, pool, 2000);
        const whole = blockQuantize({ values: rowMajor(values, layout, k, n), rows: n, k }, settings);
        expect(Buffer.from(sliced.packed).equals(Buffer.from(whole.packed))).toBe(true);
        expect(Buffer.from(sliced.scales).equals(Buffer.from(whole.scales.buffer))).toBe(true);
        expect(Buffer.from(sliced.zeroPoints!).equals(Buffer.from(whole.zeroPoints!))).toBe(true);
      });
    }
  }

  it('reads fp16 weights and writes fp16 scales', async () => {
    const values = randomFloats(k * n, 12);
    const half = encodeFloats(values, 'F16');
    const settings: BlockQuantizeSettings = { bits: 4, blockSize: 32, symmetric: true, scaleType: 'float16' };
    const weight: WeightToQuantize = { name: 'h', source: { kind: 'bytes', bytes: half }, dataType: DataType.FLOAT16, layout: 'kn', k, n, alpha: 1 };
    const result = await quantizeWeight(weight, settings, pool, 4096);
    const whole = blockQuantize({ values: rowMajor(decodeFloats(half, 'F16'), 'kn', k, n), rows: n, k }, settings);
    expect(Buffer.from(result.packed).equals(Buffer.from(whole.packed))).toBe(true);
    expect(Buffer.from(result.scales).equals(Buffer.from(encodeFloats(whole.scales, 'F16')))).toBe(true);
    expect(result.zeroPoints).toBeUndefined();
  });

  it('names the weight when its source is shorter than its shape', async () => {
    const weight: WeightToQuantize = { name: 'short', source: { kind: 'bytes', bytes: new Uint8Array(100) }, dataType: DataType.FLOAT, layout: 'kn', k, n, alpha: 1 };
    await expect(quantizeWeight(weight, { bits: 4, blockSize: 32, symmetric: true }, pool)).rejects.toThrow(/weight 'short'/);
  });
});
