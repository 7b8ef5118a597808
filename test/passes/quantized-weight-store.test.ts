/**
 * The store quantizes ahead of the writer; a weight the writer already took is not quantized again when it asks
 * for an earlier one, and closing the store leaves no weight reading its source.
 */
import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/onnx/data-types.ts';
import { readSource, type TensorSource } from '../../src/onnx/tensor-source.ts';
import { QuantizedWeightStore } from '../../src/passes/quantize/quantized-weight-store.ts';
import type { WeightToQuantize } from '../../src/passes/quantize/quantize-weight.ts';

const K = 32;
const N = 4;

function countingWeight(name: string, reads: Map<string, number>): WeightToQuantize {
  const bytes = new Uint8Array(new Float32Array(K * N).fill(0.5).buffer);
  const source: TensorSource = {
    kind: 'producer',
    length: bytes.length,
    produce: async () => {
      reads.set(name, (reads.get(name) ?? 0) + 1);
      return bytes;
    },
  };
  return { name, source, dataType: DataType.FLOAT, layout: 'nk', k: K, n: N, alpha: 1 };
}

describe('QuantizedWeightStore', () => {
  it('taken out of order, each weight is read once', async () => {
    const reads = new Map<string, number>();
    const store = new QuantizedWeightStore({ bits: 4, blockSize: 32, symmetric: true }, 1);
    const indices = ['w0', 'w1', 'w2'].map((name) => store.add(countingWeight(name, reads)));
    try {
      for (const index of [...indices].reverse()) {
        await readSource(store.source(index, 'packed'));
        await readSource(store.source(index, 'scales'));
      }
    } finally {
      await store.close();
    }
    expect(Object.fromEntries(reads)).toEqual({ w0: 1, w1: 1, w2: 1 });
  });
});
