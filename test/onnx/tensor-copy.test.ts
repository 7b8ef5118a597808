import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModel } from '../../src/onnx/read-model.ts';
import { copyTensor, getTensorSource, readSource, setTensorSource } from '../../src/onnx/tensor-source.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import type { ModelProto } from '../../src/onnx/types.ts';
import { matMulAddModel, useTempDirs } from './helpers.ts';

const tempDir = useTempDirs();

/** The model written with inline weights, read back by range (as any file over 256 MB is): every weight is a source. */
async function lazilyRead(): Promise<ModelProto> {
  const file = path.join(await tempDir(), 'model.onnx');
  await writeModel(file, matMulAddModel(64, 32), { externalThresholdBytes: Infinity });
  const loaded = await readModel(file, { lazyThresholdBytes: 0 });
  expect(loaded.mode).toBe('scanned');
  return loaded.model;
}

describe('tensor bytes attached by identity survive copies or fail loudly', () => {
  it('a {...tensor} copy of a lazily read weight is an error when written, not a tensor without data', async () => {
    const model = await lazilyRead();
    const weight = model.graph!.initializer![0];
    expect(weight.raw_data?.length ?? 0).toBe(0);
    const copied: ModelProto = { ...model, graph: { ...model.graph, initializer: [{ ...weight }, ...model.graph!.initializer!.slice(1)] } };
    expect(() => getTensorSource({ ...weight })).toThrow(/copy of a tensor whose bytes are attached/);
    await expect(writeModel(path.join(await tempDir(), 'copy.onnx'), copied)).rejects.toThrow(/its data would be lost/);
  });

  it('copyTensor keeps the bytes; a copy given its own raw_data or source uses those', async () => {
    const model = await lazilyRead();
    const weight = model.graph!.initializer![0];
    const original = await readSource(getTensorSource(weight)!);
    expect(await readSource(getTensorSource(copyTensor(weight, { name: 'renamed' }))!)).toEqual(original);
    const own = new Uint8Array(original.length).fill(7);
    expect(await readSource(getTensorSource({ ...weight, raw_data: own })!)).toEqual(own);
    expect(await readSource(getTensorSource(copyTensor(weight, { raw_data: own }))!)).toEqual(own);
    const attached = setTensorSource({ ...weight }, { kind: 'bytes', bytes: own });
    expect(await readSource(getTensorSource(attached)!)).toEqual(own);
  });

  it('a tensor that never had a source is not affected', () => {
    expect(getTensorSource({ name: 'empty', data_type: 1, dims: [0] })).toBeUndefined();
  });
});
