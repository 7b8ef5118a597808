/** The ONNX Runtime allocation model: each term by hand from its definition, per provider. */
import { describe, expect, it } from 'vitest';
import {
  CPU_NBITS_PER_BYTE,
  CPU_PACKED_FP16_PER_BYTE,
  GATHER_PAGE_IN_BYTES_PER_TOKEN,
  HOST_OUTPUT_COPIES,
  estimateAllocation,
  layerIntermediateBytesPerToken,
  type AllocationShape,
  type SplitContents,
} from '../../src/plan/ort-allocation.ts';
import { noWeightUses, weightUses } from '../../src/plan/plan-units.ts';

const shape: AllocationShape = { numHeads: 4, numKvHeads: 2, headDim: 8, hiddenSize: 32, intermediateSize: 64, vocabSize: 100, ioBytes: 4 };
const CPU = { provider: 'CPUExecutionProvider' as const, tokens: 10, overheadBytes: 1000 };
const CUDA = { ...CPU, provider: 'CUDAExecutionProvider' as const };

function contents(weights: Partial<ReturnType<typeof noWeightUses>>, extra: Partial<SplitContents> = {}): SplitContents {
  return { weights: { ...noWeightUses(), ...weights }, kvLayers: 0, holdsLogits: false, ...extra };
}

describe('weights as ONNX Runtime loads them', () => {
  it('on CPU holds each float MatMul weight packed once, and the largest one twice while it is packed', () => {
    const estimate = estimateAllocation(contents({ matmulFp32Bytes: 600, largestFp32Bytes: 400 }), shape, CPU);
    expect(estimate.loadedWeightBytes).toBe(600);
    expect(estimate.loadPeakBytes).toBe(1000);
  });

  it('counts a tied embedding twice on CPU: the Gather table, mapped and paged in by rows, and the packed Gemm copy', () => {
    const tied = contents({ tableBytes: 10_000_000, matmulFp32Bytes: 10_000_000, largestFp32Bytes: 10_000_000 });
    const estimate = estimateAllocation(tied, shape, CPU);
    expect(estimate.loadedWeightBytes).toBe(10_000_000);
    expect(estimate.tablePagedBytes).toBe(10 * GATHER_PAGE_IN_BYTES_PER_TOKEN);
    expect(estimateAllocation(tied, shape, { ...CPU, tokens: 1000 }).tablePagedBytes).toBe(10_000_000);
  });

  it('widens fp16 MatMul weights on CPU and repacks MatMulNBits blocks', () => {
    expect(estimateAllocation(contents({ matmulFp16Bytes: 100 }), shape, CPU).loadedWeightBytes).toBe(100 * CPU_PACKED_FP16_PER_BYTE);
    expect(estimateAllocation(contents({ nbitsBytes: 100 }), shape, CPU).loadedWeightBytes).toBeCloseTo(100 * CPU_NBITS_PER_BYTE);
  });

  it('on CUDA copies every weight once, tables included, with nothing packed', () => {
    const estimate = estimateAllocation(contents({ matmulFp16Bytes: 100, tableFp16Bytes: 50, largestFp16Bytes: 100 }), shape, CUDA);
    expect(estimate.loadedWeightBytes).toBe(150);
    expect(estimate.loadPeakBytes).toBe(150);
    expect(estimate.tablePagedBytes).toBe(0);
  });
});

describe('KV cache and activations for the prefill', () => {
  it('sizes the KV cache as 2 × kv heads × head dim × tokens × bytes per layer held', () => {
    expect(estimateAllocation(contents({}, { kvLayers: 3 }), shape, CPU).kvCacheBytes).toBe(3 * 2 * 2 * 8 * 10 * 4);
  });

  it('holds a layer’s intermediates, and every output twice on the host (ONNX Runtime’s and the JavaScript copy)', () => {
    const layer = estimateAllocation(contents({}, { kvLayers: 1 }), shape, CPU);
    const kv = 2 * 2 * 8 * 10 * 4;
    // q, k, v and GroupQueryAttention's copy of them; gate, up, product; six hidden-width tensors
    expect(layerIntermediateBytesPerToken(shape)).toBe((2 * (4 + 4) * 8 + 3 * 64 + 6 * 32) * 4);
    // a fused gate_up_proj holds its output too before the Split
    expect(layerIntermediateBytesPerToken({ ...shape, fusedProjections: true })).toBe((2 * (4 + 4) * 8 + 5 * 64 + 6 * 32) * 4);
    expect(layer.activationBytes).toBe(10 * layerIntermediateBytesPerToken(shape) + HOST_OUTPUT_COPIES * 10 * 32 * 4 + (HOST_OUTPUT_COPIES - 1) * kv);
    const head = estimateAllocation(contents({}, { holdsLogits: true }), shape, CPU);
    expect(head.activationBytes).toBe(HOST_OUTPUT_COPIES * 10 * 100 * 4);
    expect(estimateAllocation(contents({}, { holdsLogits: true }), shape, CUDA).activationBytes).toBe(10 * 100 * 4);
  });

  it('copies the logits once more when lm_head is tied (Reshape → Gemm → Reshape ends in a copy)', () => {
    const tied = estimateAllocation(contents({}, { holdsLogits: true }), { ...shape, tiedEmbeddings: true }, CPU);
    expect(tied.activationBytes).toBe((HOST_OUTPUT_COPIES + 1) * 10 * 100 * 4);
  });

  it('computes fp16 graphs in fp32 on CPU: intermediates at 4 bytes, outputs made in fp32 first', () => {
    const half = { ...shape, ioBytes: 2 };
    const head = estimateAllocation(contents({}, { holdsLogits: true }), half, CPU);
    expect(head.activationBytes).toBe(10 * 100 * (4 + HOST_OUTPUT_COPIES * 2));
  });

  it('peaks at the larger of loading and running, above the fixed overhead', () => {
    const loadBound = estimateAllocation(contents({ matmulFp32Bytes: 1e6, largestFp32Bytes: 1e6 }), shape, CPU);
    expect(loadBound.totalBytes).toBe(1000 + 2e6);
    const runBound = estimateAllocation(contents({ matmulFp32Bytes: 100, largestFp32Bytes: 10 }, { holdsLogits: true }), shape, CPU);
    expect(runBound.totalBytes).toBe(1000 + 100 + runBound.activationBytes);
  });
});

describe('weight uses read off a cost table', () => {
  it('tells MatMul weights by precision from tables and the rest', () => {
    const uses = weightUses([
      { module: 'model.embed_tokens', numParams: 1000, numBytes: 4000, numFlops: 1 },
      { module: 'model.layers.0.mlp.up_proj', numParams: 100, numBytes: 400, numFlops: 200 },
      { module: 'model.layers.0.mlp.down_proj', numParams: 100, numBytes: 50, numFlops: 200 },
      { module: 'model.layers.0.input_layernorm', numParams: 8, numBytes: 32, numFlops: 32 },
      { module: 'lm_head', numParams: 1000, numBytes: 2000, numFlops: 2000 },
    ]);
    expect(uses).toMatchObject({ tableBytes: 4000, matmulFp32Bytes: 400, nbitsBytes: 50, otherBytes: 32, matmulFp16Bytes: 2000, largestFp16Bytes: 2000 });
  });
});
