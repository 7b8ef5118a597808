import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { weightSource } from '../../src/convert/weight-source.ts';
import type { CheckpointTensor } from '../../src/hf/checkpoint.ts';
import { convertFloats, encodeFloats } from '../../src/onnx/float-formats.ts';
import { getTensorSource, readSource, setTensorSource, type TensorSource } from '../../src/onnx/tensor-source.ts';
import type { ModelProto } from '../../src/onnx/types.ts';
import { quantizeWeights, type QuantizeResult } from '../../src/passes/quantize/quantize-weights.ts';
import { transposeMatrix } from '../../src/convert/weight-source.ts';
import { seededRandom, useTempDirs } from '../onnx/helpers.ts';

const tempDir = useTempDirs();
const [N, K] = [96, 160];
const results: QuantizeResult[] = [];
afterAll(async () => Promise.all(results.map((result) => result.close())));

/** X·W with W [K, N] float32: the weight's bytes from `source`. */
function matMulModel(source: TensorSource): ModelProto {
  const weight = setTensorSource({ name: 'W.T', data_type: 1, dims: [K, N] }, source);
  return {
    ir_version: 10,
    opset_import: [{ domain: '', version: 21 }],
    graph: { name: 'g', node: [{ name: 'm', op_type: 'MatMul', input: ['X', 'W.T'], output: ['Y'] }], initializer: [weight], input: [{ name: 'X' }], output: [{ name: 'Y' }] },
  };
}

async function quantizedBytes(model: ModelProto): Promise<Buffer[]> {
  const result = await quantizeWeights(model, { bits: 4, threads: 2 });
  results.push(result);
  const tensors = result.model.graph!.initializer!;
  return Promise.all(tensors.map(async (tensor) => Buffer.from(await readSource(getTensorSource(tensor)!))));
}

describe('quantizing a checkpoint weight straight from its stored [N, K] bf16 values', () => {
  it('gives the bytes quantizing the transposed float32 weight gives', async () => {
    const random = seededRandom(9);
    const stored = encodeFloats(Float32Array.from({ length: N * K }, () => random() - 0.5), 'BF16');
    const file = path.join(await tempDir(), 'w.bin');
    await writeFile(file, stored);
    const tensor = { name: 'W', file, offset: 0, length: stored.length, dtype: 'BF16', shape: [N, K] } as CheckpointTensor;
    const viaCheckpoint = await quantizedBytes(matMulModel(weightSource(tensor, 'F32', { transpose: true })));
    const transposed = transposeMatrix(new Uint16Array(stored.buffer, stored.byteOffset, N * K), N, K);
    const plainFloat32 = convertFloats(new Uint8Array(transposed.buffer), 'BF16', 'F32');
    const viaFloat32 = await quantizedBytes(matMulModel({ kind: 'bytes', bytes: plainFloat32 }));
    expect(viaCheckpoint.length).toBe(2);
    viaCheckpoint.forEach((bytes, i) => expect(bytes.equals(viaFloat32[i])).toBe(true));
  });
});
