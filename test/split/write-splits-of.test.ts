import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { setTensorSource } from '../../src/onnx/tensor-source.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import type { ModelProto } from '../../src/onnx/types.ts';
import { writeSplitsOf } from '../../src/split/split-model.ts';
import { seededRandom, tensorValueInfo, useTempDirs } from '../onnx/helpers.ts';

const tempDir = useTempDirs();
const K = 64;

/** Y = (X·W)·W, the one weight W read by both MatMuls, its bytes made by a producer that counts its runs. */
function sharedWeightModel(): { model: ModelProto; weight: Float32Array; runs: () => number } {
  const random = seededRandom(3);
  const weight = Float32Array.from({ length: K * K }, () => random() - 0.5);
  let runs = 0;
  const tensor = setTensorSource({ name: 'W', data_type: 1, dims: [K, K] }, {
    kind: 'producer',
    length: weight.byteLength,
    produce: async () => {
      runs += 1;
      return new Uint8Array(weight.buffer.slice(0));
    },
  });
  const model: ModelProto = {
    ir_version: 10,
    opset_import: [{ domain: '', version: 21 }],
    graph: {
      name: 'g',
      node: [
        { name: 'first', op_type: 'MatMul', input: ['X', 'W'], output: ['H'] },
        { name: 'second', op_type: 'MatMul', input: ['H', 'W'], output: ['Y'] },
      ],
      initializer: [tensor],
      input: [tensorValueInfo('X', [1, K])],
      output: [tensorValueInfo('Y', [1, K])],
      value_info: [tensorValueInfo('H', [1, K])],
    },
  };
  return { model, weight, runs: () => runs };
}

describe('writeSplitsOf: a model in memory straight into split files', () => {
  it('a weight two splits read is produced once and the second split copies it; the placements point at the first copy', async () => {
    const { model, weight, runs } = sharedWeightModel();
    const dir = await tempDir();
    const { result, placements } = await writeSplitsOf({ model, dir }, { kind: 'assignment', nodes: { first: 0, second: 1 } }, { outDir: dir });
    expect(runs()).toBe(1);
    expect(result.sharedInitializers.map((shared) => shared.name)).toEqual(['W']);
    const expected = Buffer.from(weight.buffer);
    for (const file of ['split_0.onnx.data', 'split_1.onnx.data']) expect((await readFile(path.join(dir, file))).subarray(0, expected.length).equals(expected)).toBe(true);
    const range = placements.get(model.graph!.initializer![0])!;
    expect(range).toMatchObject({ location: 'split_0.onnx.data', length: weight.byteLength });

    // an unsplit model pointing into the split's data file: written without a data file of its own, and it runs
    const check = path.join(dir, 'check.onnx');
    const written = await writeModel(check, model, { alreadyWritten: placements });
    expect(written.externalTensors).toBe(0);
    expect(runs()).toBe(1);
    expect((await readdir(dir)).filter((name) => name.startsWith('check'))).toEqual(['check.onnx']);
    const session = await ort.InferenceSession.create(check);
    const x = Float32Array.from({ length: K }, (_, i) => (i % 5) - 2);
    const { Y } = await session.run({ X: new ort.Tensor('float32', x, [1, K]) });
    await session.release();
    const h = Array.from({ length: K }, (_, j) => x.reduce((sum, v, i) => sum + v * weight[i * K + j], 0));
    const y = Array.from({ length: K }, (_, j) => h.reduce((sum, v, i) => sum + v * weight[i * K + j], 0));
    (Y.data as Float32Array).forEach((value, j) => expect(value).toBeCloseTo(y[j], 4));
  });
});
