/**
 * The lazy reader: above its size threshold readModel scans the protobuf by byte range and leaves every
 * initializer's raw_data in the file. A tiny threshold makes small files take that path.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ParseError } from '../../src/errors.ts';
import { decodeModel, encodeModel, modelToPlain } from '../../src/onnx/proto.ts';
import { FileWindow, SCAN_WINDOW_BYTES } from '../../src/onnx/file-window.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { scanModelWindow } from '../../src/onnx/scan-model.ts';
import { getTensorSource, readSource } from '../../src/onnx/tensor-source.ts';
import { allInitializers } from '../../src/onnx/walk.ts';
import { AttributeType, type ModelProto } from '../../src/onnx/types.ts';
import { comparable, floatTensor, matMulAddModel, tensorValueInfo, useTempDirs } from './helpers.ts';

const MiB = 1024 * 1024;
const tempDir = useTempDirs();

/** Initializers in raw_data and in typed fields, an empty one, a subgraph with its own initializer, a sparse one. */
function mixedModel(): ModelProto {
  const model = matMulAddModel(48, 40);
  const graph = model.graph!;
  graph.initializer!.push(
    { name: 'typed', dims: [3], data_type: 1, float_data: [1, 2, 3] },
    { name: 'empty', dims: [0], data_type: 1, raw_data: new Uint8Array(0) },
    { name: 'int64', dims: [2], data_type: 7, raw_data: new Uint8Array(BigInt64Array.of(-1n, 2n ** 62n).buffer) },
  );
  graph.sparse_initializer = [
    { dims: [10], values: floatTensor('sv', [2], [5, 6]), indices: { name: 'si', dims: [2], data_type: 7, int64_data: [1, 9] } },
  ];
  graph.node!.push({
    op_type: 'If',
    input: ['cond'],
    output: ['branch'],
    attribute: [
      {
        name: 'then_branch',
        type: AttributeType.GRAPH,
        g: { name: 'then', initializer: [floatTensor('inner', [4], [1, 2, 3, 4])], output: [tensorValueInfo('inner', [4])] },
      },
    ],
  });
  return model;
}

async function writeEncoded(bytes: Uint8Array, name = 'model.onnx'): Promise<string> {
  const file = path.join(await tempDir(), name);
  await writeFile(file, bytes);
  return file;
}

describe('lazy scan of a large .onnx', () => {
  test('decodes to the same model as a whole-file read, and no weight is in memory', async () => {
    const file = await writeEncoded(encodeModel(mixedModel()));
    const whole = await readModel(file);
    const scanned = await readModel(file, { lazyThresholdBytes: 0 });
    expect(whole.mode).toBe('buffered');
    expect(scanned.mode).toBe('scanned');
    expect(await comparable(scanned.model)).toBe(await comparable(whole.model));
    for (const tensor of scanned.model.graph!.initializer!) expect(tensor.raw_data?.length ?? 0).toBe(0);
  });

  test('each raw_data becomes a range of the .onnx file holding exactly its bytes', async () => {
    const model = mixedModel();
    const file = await writeEncoded(encodeModel(model));
    const { model: scanned } = await readModel(file, { lazyThresholdBytes: 0 });
    const expected = new Map(model.graph!.initializer!.map((t) => [t.name, t.raw_data]));
    for (const tensor of scanned.graph!.initializer!) {
      const source = getTensorSource(tensor);
      if (!expected.get(tensor.name)) {
        expect(source).toBeUndefined();
        continue;
      }
      expect(source).toMatchObject({ kind: 'file', path: file });
      expect(Buffer.from(await readSource(source!)).equals(Buffer.from(expected.get(tensor.name)!))).toBe(true);
    }
  });

  test('the scan reads field headers and metadata, not the weights', async () => {
    const weights = Array.from({ length: 4 }, (_, i) => ({ name: `w${i}`, dims: [4 * MiB], data_type: 2, raw_data: new Uint8Array(4 * MiB).fill(i) }));
    const model: ModelProto = { ir_version: 10, graph: { name: 'g', initializer: weights, node: [{ op_type: 'Identity', input: ['w0'], output: ['y'] }] } };
    const file = await writeEncoded(encodeModel(model));
    const window = await FileWindow.open(file);
    try {
      const scanned = await scanModelWindow(window);
      expect(scanned.graph!.initializer!.map((t) => t.name)).toEqual(['w0', 'w1', 'w2', 'w3']);
      expect(scanned.graph!.node![0].op_type).toBe('Identity');
      // At most one look-ahead window past each tensor's header, of a 16 MiB file.
      expect(window.bytesRead).toBeLessThanOrEqual(2 * weights.length * SCAN_WINDOW_BYTES);
    } finally {
      await window.close();
    }
  });

  test('a model message repeated on the wire merges exactly as the protobuf decoder does', async () => {
    const first = matMulAddModel(8, 8, 1);
    const second = matMulAddModel(8, 8, 2);
    second.producer_name = 'second';
    const concatenated = Buffer.concat([encodeModel(first), encodeModel(second)]);
    const file = await writeEncoded(concatenated);
    const { model: scanned } = await readModel(file, { lazyThresholdBytes: 0 });
    expect(scanned.producer_name).toBe('second');
    expect([...allInitializers(scanned)].map((t) => t.name)).toEqual(['W', 'B', 'W', 'B']);
    const viaDecoder = decodeModel(concatenated);
    const { model: whole } = await readModel(file);
    expect(modelToPlain(whole)).toEqual(modelToPlain(viaDecoder));
    expect(await comparable(scanned)).toBe(await comparable(whole));
  });

  test('files above the threshold are scanned, files at or below it read whole', async () => {
    const bytes = encodeModel(mixedModel());
    const file = await writeEncoded(bytes);
    expect((await readModel(file, { lazyThresholdBytes: bytes.length })).mode).toBe('buffered');
    expect((await readModel(file, { lazyThresholdBytes: bytes.length - 1 })).mode).toBe('scanned');
  });

  test.each([
    ['scanned', 0],
    ['read whole', undefined],
  ])('a truncated file is refused with a ParseError naming it (%s)', async (_label, lazyThresholdBytes) => {
    const bytes = encodeModel(mixedModel());
    const file = await writeEncoded(bytes.subarray(0, bytes.length - 100), 'cut.onnx');
    const error = await readModel(file, { lazyThresholdBytes }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toContain('cut.onnx');
  });

  test('a field with the wrong wire type where the graph should be is refused', async () => {
    // Field 7 (graph) written as a varint: tag (7 << 3) | 0, value 1.
    const file = await writeEncoded(Uint8Array.of(7 << 3, 1), 'bad.onnx');
    await expect(readModel(file, { lazyThresholdBytes: 0 })).rejects.toThrow(/field 7 .* wire type 0/);
  });
});
