/** writeModel: threshold, alignment, sources of every kind, atomic replacement and clean failure. */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { OliveError } from '../../src/errors.ts';
import { externalDataInfo } from '../../src/onnx/external-data.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { getTensorSource, readSource, setTensorSource } from '../../src/onnx/tensor-source.ts';
import * as ort from 'onnxruntime-node';
import { EXTERNAL_ALIGN_BYTES, LARGE_TENSOR_ALIGN_BYTES, LARGE_TENSOR_BYTES, STREAM_INLINE_BYTES, writeModel } from '../../src/onnx/write-model.ts';
import type { ModelProto, TensorProto } from '../../src/onnx/types.ts';
import { comparable, matMulAddModel, tensorValueInfo, useTempDirs } from './helpers.ts';

const tempDir = useTempDirs();

function bytesTensor(name: string, length: number, fill: number): TensorProto {
  return { name, dims: [length], data_type: 2, raw_data: new Uint8Array(length).fill(fill) };
}

function modelWith(initializer: TensorProto[]): ModelProto {
  return { ir_version: 10, opset_import: [{ domain: '', version: 21 }], graph: { name: 'g', initializer } };
}

/** A producer source that yields `length` bytes of `fill` in `chunks` pieces, or throws after the first. */
function producerTensor(name: string, length: number, fill: number, failAfterFirstChunk = false): TensorProto {
  const half = Math.floor(length / 2);
  return setTensorSource(
    { name, dims: [length], data_type: 2 },
    {
      kind: 'producer',
      length,
      produce: async function* () {
        yield new Uint8Array(half).fill(fill);
        if (failAfterFirstChunk) throw new Error(`producer for ${name} failed`);
        yield new Uint8Array(length - half).fill(fill);
      },
    },
  );
}

describe('writeModel', () => {
  test('external offsets are 4 KiB aligned, 64 KiB for tensors over 1 MiB, and hold the right bytes', async () => {
    const sizes = [2000, 3000, LARGE_TENSOR_BYTES + 1, 5000, LARGE_TENSOR_BYTES];
    const model = modelWith(sizes.map((size, i) => bytesTensor(`t${i}`, size, i + 1)));
    const file = path.join(await tempDir(), 'aligned.onnx');
    const result = await writeModel(file, model, { externalThresholdBytes: 1024 });
    expect(result).toMatchObject({ externalTensors: 5, externalBytes: sizes.reduce((a, b) => a + b), dataPath: `${file}.data` });
    const { model: reread } = await readModel(file);
    const offsets = reread.graph!.initializer!.map((t) => externalDataInfo(t).offset);
    expect(offsets).toEqual([0, 4096, 65536, 65536 + 1052672, 65536 + 1052672 + 8192]);
    for (const [i, tensor] of reread.graph!.initializer!.entries()) {
      const align = sizes[i] > LARGE_TENSOR_BYTES ? LARGE_TENSOR_ALIGN_BYTES : EXTERNAL_ALIGN_BYTES;
      expect(offsets[i] % align).toBe(0);
      expect(Buffer.from(await readSource(getTensorSource(tensor)!)).equals(Buffer.alloc(sizes[i], i + 1))).toBe(true);
    }
  });

  test('only tensors at or above the threshold move out; typed-field tensors stay as they are', async () => {
    const typed: TensorProto = { name: 'typed', dims: [1000], data_type: 1, float_data: Array.from({ length: 1000 }, (_, i) => i) };
    const model = modelWith([bytesTensor('below', 1023, 1), bytesTensor('at', 1024, 2), typed]);
    const file = path.join(await tempDir(), 'threshold.onnx');
    await writeModel(file, model, { externalThresholdBytes: 1024 });
    const [below, at, typedBack] = (await readModel(file)).model.graph!.initializer!;
    expect(below.data_location ?? 0).toBe(0);
    expect(below.raw_data!.length).toBe(1023);
    expect(at.data_location).toBe(1);
    expect(typedBack.float_data!.length).toBe(1000);
    expect(typedBack.data_location ?? 0).toBe(0);
  });

  test('with nothing over the threshold no data file is written', async () => {
    const dir = await tempDir();
    const result = await writeModel(path.join(dir, 'small.onnx'), modelWith([bytesTensor('a', 10, 1)]));
    expect(result.dataPath).toBeUndefined();
    expect(await readdir(dir)).toEqual(['small.onnx']);
  });

  test('producer sources stream into the data file', async () => {
    const file = path.join(await tempDir(), 'produced.onnx');
    await writeModel(file, modelWith([producerTensor('made', 10_000, 7)]), { externalThresholdBytes: 1024 });
    const [made] = (await readModel(file)).model.graph!.initializer!;
    expect(Buffer.from(await readSource(getTensorSource(made)!)).equals(Buffer.alloc(10_000, 7))).toBe(true);
  });

  test('a producer that throws leaves no file behind and the previous model untouched', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'model.onnx');
    await writeModel(file, modelWith([bytesTensor('old', 5000, 1)]));
    const before = { model: await readFile(file), data: await readFile(`${file}.data`) };
    const failing = modelWith([bytesTensor('first', 5000, 2), producerTensor('broken', 10_000, 3, true)]);
    await expect(writeModel(file, failing)).rejects.toThrow('producer for broken failed');
    expect((await readdir(dir)).sort()).toEqual(['model.onnx', 'model.onnx.data']);
    expect((await readFile(file)).equals(before.model)).toBe(true);
    expect((await readFile(`${file}.data`)).equals(before.data)).toBe(true);
  });

  test('a source that gives fewer bytes than it declared is refused, naming the tensor', async () => {
    const dir = await tempDir();
    const liar = setTensorSource({ name: 'liar', dims: [100], data_type: 2 }, { kind: 'producer', length: 5000, produce: async () => new Uint8Array(100) });
    await expect(writeModel(path.join(dir, 'm.onnx'), modelWith([liar]))).rejects.toThrow(/tensor 'liar'.*100 bytes, expected 5000/);
    expect(await readdir(dir)).toEqual([]);
  });

  test('a tensor marked external with no source is refused instead of written with a stale location', async () => {
    const orphan: TensorProto = { name: 'orphan', data_type: 1, dims: [1], data_location: 1, external_data: [{ key: 'location', value: 'x.bin' }] };
    await expect(writeModel(path.join(await tempDir(), 'm.onnx'), modelWith([orphan]))).rejects.toThrow(/tensor 'orphan' is marked external but has no source/);
  });

  test('rewriting a model in place, from its own external data, keeps its weights', async () => {
    const file = path.join(await tempDir(), 'inplace.onnx');
    const original = matMulAddModel(64, 64);
    await writeModel(file, original, { externalThresholdBytes: 1024 });
    const first = await readModel(file);
    await writeModel(file, first.model, { externalThresholdBytes: 100 });
    const second = await readModel(file);
    expect(second.model.graph!.initializer!.every((t) => t.data_location === 1)).toBe(true);
    expect(await comparable(second.model)).toBe(await comparable(original));
  });

  test('an unusable destination or data file name is a one-line OliveError', async () => {
    const dir = await tempDir();
    const model = matMulAddModel(4, 4);
    await expect(writeModel(path.join(dir, 'missing', 'm.onnx'), model)).rejects.toThrow(OliveError);
    await expect(writeModel(path.join(dir, 'missing', 'm.onnx'), model)).rejects.toThrow(/cannot write model .*missing/);
    await expect(writeModel(path.join(dir, 'm.onnx'), model, { dataFileName: '../out.data' })).rejects.toThrow(/dataFileName '..\/out.data'/);
    await writeFile(path.join(dir, 'keep'), '');
    expect(await readdir(dir)).toEqual(['keep']);
  });
});

describe('writeModel with large inline data', () => {
  /** Just over STREAM_INLINE_BYTES in two producer tensors, so the .onnx is streamed, not encoded in memory. */
  const TENSOR_BYTES = STREAM_INLINE_BYTES / 2 + 4096;

  function patterned(index: number): Uint8Array {
    const bytes = new Uint8Array(TENSOR_BYTES);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096 + index) & 0xff;
    return bytes;
  }

  test('inline weights from producers are streamed into a valid .onnx that onnxruntime reads', async () => {
    const initializer = [0, 1].map((index) => producerOf(`w${index}`, patterned(index)));
    const output = initializer.map((t) => tensorValueInfo(t.name!, [TENSOR_BYTES], 2));
    const model: ModelProto = { ir_version: 10, opset_import: [{ domain: '', version: 21 }], doc_string: 'streamed', graph: { name: 'g', initializer, output } };
    const file = path.join(await tempDir(), 'inline.onnx');
    const result = await writeModel(file, model, { externalThresholdBytes: Number.POSITIVE_INFINITY });
    expect(result.dataPath).toBeUndefined();
    expect(result.modelBytes).toBeGreaterThan(STREAM_INLINE_BYTES);
    // Streamed layout: raw_data is the last field written, so the file ends with the last tensor's bytes.
    const tail = (await readFile(file)).subarray(-TENSOR_BYTES);
    expect(tail.equals(Buffer.from(patterned(1)))).toBe(true);

    const reread = await readModel(file);
    expect(reread.model.doc_string).toBe('streamed');
    for (const [index, tensor] of reread.model.graph!.initializer!.entries()) {
      expect(tensor.name).toBe(`w${index}`);
      expect(Buffer.from(tensor.raw_data!).equals(Buffer.from(patterned(index)))).toBe(true);
    }
    const session = await ort.InferenceSession.create(file, { logSeverityLevel: 3 });
    const { w1 } = await session.run({}, ['w1']);
    await session.release();
    expect(Buffer.from(w1.data as Uint8Array).equals(Buffer.from(patterned(1)))).toBe(true);
  });
});

function producerOf(name: string, bytes: Uint8Array): TensorProto {
  return setTensorSource({ name, dims: [bytes.length], data_type: 2 }, { kind: 'producer', length: bytes.length, produce: async () => bytes });
}
