import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { DataType } from '../../src/onnx/data-types.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import type { ModelProto } from '../../src/onnx/types.ts';
import { blockQuantize, dequantize, type BlockQuantizeSettings } from '../../src/passes/quantize/block-quantize.ts';
import { quantizeWeights } from '../../src/passes/quantize/quantize-weights.ts';
import { f32, floatAttr, floatTensor, intAttr, intsAttr, matmulRowMajor, maxAbs, maxAbsDiff, model, node, randomFloats, runModel, valueInfo } from './onnx-test-models.ts';

const K = 80; // not a multiple of 32
const N = 24;
const M = 4;
const VOCAB = 10;

function transposeKn(values: Float32Array, k: number, n: number): Float32Array {
  const out = new Float32Array(k * n);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) out[j * k + i] = values[i * n + j];
  return out;
}

const wKn = randomFloats(K * N, 1); // MatMul weight [K, N]
const wNk = randomFloats(N * K, 2); // Transpose(W) weight, stored [N, K]
const gemmNk = randomFloats(N * K, 3); // Gemm transB=1 weight [N, K]
const gemmBias = randomFloats(N, 4);
const embedding = randomFloats(VOCAB * K, 5);
const ALPHA = 0.5;
const BETA = 2;

/** Y1 = A·W; Y2 = A·Transpose(W2); Y3 = Gemm(A, W3ᵀ, C, alpha, beta); E = Gather(embedding, ids) left alone. */
function threePatternModel(): ModelProto {
  return model({
    name: 'patterns',
    node: [
      node('MatMul', ['A', 'W'], ['Y1'], { name: '/model/layers.0/mlp/up_proj/MatMul', metadata_props: [{ key: 'module', value: 'model.layers.0.mlp.up_proj' }] }),
      node('Transpose', ['W2'], ['W2t'], { attribute: [intsAttr('perm', [1, 0])] }),
      node('MatMul', ['A', 'W2t'], ['Y2'], { name: 'lm_head' }),
      node('Gemm', ['A', 'W3', 'C'], ['Y3'], { name: 'gemm', attribute: [intAttr('transB', 1), floatAttr('alpha', ALPHA), floatAttr('beta', BETA)] }),
      node('Gather', ['embedding', 'ids'], ['E'], { name: 'embed' }),
    ],
    initializer: [floatTensor('W', [K, N], wKn), floatTensor('W2', [N, K], wNk), floatTensor('W3', [N, K], gemmNk), floatTensor('C', [N], gemmBias), floatTensor('embedding', [VOCAB, K], embedding)],
    input: [valueInfo('A', DataType.FLOAT, [M, K]), valueInfo('ids', DataType.INT64, [2])],
    output: ['Y1', 'Y2', 'Y3'].map((name) => valueInfo(name, DataType.FLOAT, [M, N])).concat([valueInfo('E', DataType.FLOAT, [2, K])]),
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'olive-quantize-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function quantizeAndWrite(original: ModelProto, bits: 4 | 8, symmetric: boolean, file: string) {
  const result = await quantizeWeights(original, { bits, symmetric, accuracyLevel: 0, threads: 2 });
  try {
    await writeModel(file, result.model);
  } finally {
    await result.close();
  }
  return result;
}

describe('quantizeWeights', () => {
  const a = randomFloats(M * K, 9);
  const feeds = () => ({ A: f32(a, [M, K]), ids: new ort.Tensor('int64', BigInt64Array.from([3n, 7n]), [2]) });

  for (const bits of [4, 8] as const) {
    for (const symmetric of [true, false]) {
      it(`rewrites MatMul, MatMul(Transpose) and Gemm at ${bits} bits ${symmetric ? 'symmetric' : 'with zero points'}, exactly as dequantize-then-multiply`, async () => {
        const file = path.join(dir, `q${bits}${symmetric ? 's' : 'a'}.onnx`);
        const { report } = await quantizeAndWrite(threePatternModel(), bits, symmetric, file);
        expect(report.quantized.count).toBe(3);
        expect(report.quantized.nodes.map((q) => q.pattern)).toEqual(['matmul', 'matmul-transpose', 'gemm']);
        expect(report.left.count).toBe(0);

        const written = (await readModel(file)).model;
        const ops = written.graph!.node!.map((n) => n.op_type);
        expect(ops).toEqual(['MatMulNBits', 'MatMulNBits', 'MatMulNBits', 'Gather']);
        const first = written.graph!.node![0];
        expect(first.name).toBe('/model/layers.0/mlp/up_proj/MatMul');
        expect(first.metadata_props).toEqual([{ key: 'module', value: 'model.layers.0.mlp.up_proj' }]);
        expect(written.graph!.initializer!.map((t) => t.name)).not.toContain('W');
        expect(written.graph!.initializer!.map((t) => t.name)).toContain('embedding');

        const out = await runModel(file, feeds());
        const settings: BlockQuantizeSettings = { bits, blockSize: 32, symmetric, scaleType: 'float32' };
        const reference = (wRowMajor: Float32Array) =>
          matmulRowMajor(a, M, K, dequantize(blockQuantize({ values: wRowMajor, rows: N, k: K }, settings), N, K, settings), N);
        const scaledGemm = gemmNk.map((v) => Math.fround(v * ALPHA));
        const y3 = Float64Array.from(reference(scaledGemm), (v, i) => v + BETA * gemmBias[i % N]);
        for (const [name, expected] of [['Y1', reference(transposeKn(wKn, K, N))], ['Y2', reference(wNk)], ['Y3', y3]] as const) {
          expect(maxAbsDiff(out[name].data as Float32Array, expected), name).toBeLessThan(1e-4 * maxAbs(expected));
        }
        expect(Array.from(out.E.data as Float32Array)).toEqual(Array.from(embedding.subarray(3 * K, 4 * K)).concat(Array.from(embedding.subarray(7 * K, 8 * K))));
      });
    }
  }

  it('keeps a weight that another node still reads and reports what it left', async () => {
    const tied = model({
      name: 'tied',
      node: [
        node('Gather', ['W2', 'ids'], ['E'], { name: 'embed' }),
        node('Transpose', ['W2'], ['W2t'], { attribute: [intsAttr('perm', [1, 0])] }),
        node('MatMul', ['E', 'W2t'], ['logits'], { name: 'lm_head' }),
        node('MatMul', ['logits', 'B'], ['Y'], { name: 'dynamic' }),
      ],
      initializer: [floatTensor('W2', [N, K], wNk)],
      input: [valueInfo('ids', DataType.INT64, [2]), valueInfo('B', DataType.FLOAT, [N, 3])],
      output: [valueInfo('Y', DataType.FLOAT, [2, 3])],
    });
    const file = path.join(dir, 'tied.onnx');
    const { report } = await quantizeAndWrite(tied, 4, true, file);
    expect(report.quantized.count).toBe(1);
    expect(report.left).toEqual({
      count: 1,
      weightBytes: 0,
      nodes: [{ node: 'dynamic', opType: 'MatMul', reason: 'weight-not-constant', weight: undefined, weightBytes: 0 }],
    });
    const written = (await readModel(file)).model;
    expect(written.graph!.initializer!.map((t) => t.name)).toEqual(['W2', 'W2_Q4', 'W2_scales']);
    expect(written.graph!.node!.map((n) => n.op_type)).toEqual(['Gather', 'MatMulNBits', 'MatMul']);
    const out = await runModel(file, { ids: new ort.Tensor('int64', BigInt64Array.from([1n, 2n]), [2]), B: f32(randomFloats(N * 3, 6), [N, 3]) });
    expect(out.Y.dims).toEqual([2, 3]);
  });

  it('leaves Gemm with a transposed A or a matrix bias, naming the reason', async () => {
    const graphModel = model({
      name: 'gemms',
      node: [
        node('Gemm', ['At', 'W'], ['Y1'], { name: 'transA', attribute: [intAttr('transA', 1)] }),
        node('Gemm', ['A', 'W', 'Cm'], ['Y2'], { name: 'matrixBias' }),
      ],
      initializer: [floatTensor('W', [K, N], wKn), floatTensor('Cm', [M, N], randomFloats(M * N, 8))],
      input: [valueInfo('At', DataType.FLOAT, [K, M]), valueInfo('A', DataType.FLOAT, [M, K])],
      output: [valueInfo('Y1', DataType.FLOAT, [M, N]), valueInfo('Y2', DataType.FLOAT, [M, N])],
    });
    const result = await quantizeWeights(graphModel, { bits: 4 });
    await result.close();
    expect(result.report.left.nodes.map((l) => [l.node, l.reason, l.weightBytes])).toEqual([
      ['transA', 'gemm-transposed-a', K * N * 4],
      ['matrixBias', 'gemm-bias-not-constant-vector', K * N * 4],
    ]);
    expect(result.report.left.weightBytes).toBe(2 * K * N * 4);
  });

  it('refuses a bad block size with the parameter named', async () => {
    await expect(quantizeWeights(threePatternModel(), { bits: 4, blockSize: 24 })).rejects.toThrow(/block size 24/);
  });
});
