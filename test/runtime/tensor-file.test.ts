import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { readTensorFile, writeTensorFile } from '../../src/runtime/tensor-file.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('tensor files', () => {
  it('round-trip named tensors of mixed types, empty and unaligned ones included', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tensor-file-'));
    dirs.push(dir);
    const tensors = {
      mask: new ort.Tensor('bool', Uint8Array.from([1, 0, 1]), [3]),
      ids: new ort.Tensor('int64', BigInt64Array.from([5n, -7n]), [1, 2]),
      past: new ort.Tensor('float16', new Uint16Array(0), [1, 2, 0, 8]),
      hidden: new ort.Tensor('float32', Float32Array.from([0.5, -1.25, 3]), [1, 1, 3]),
    };
    const file = path.join(dir, 'inputs.tensors');
    await writeTensorFile(file, tensors);
    const back = await readTensorFile(file);
    for (const [name, tensor] of Object.entries(tensors)) {
      expect({ type: back[name].type, dims: back[name].dims, data: Array.from(back[name].data as ArrayLike<unknown>) }, name).toEqual({
        type: tensor.type,
        dims: tensor.dims,
        data: Array.from(tensor.data as ArrayLike<unknown>),
      });
    }
  });

  it('refuses string tensors, naming them', async () => {
    await expect(writeTensorFile(path.join(os.tmpdir(), 'never-written'), { words: new ort.Tensor('string', ['a'], [1]) })).rejects.toThrow(
      "tensor 'words' of type string cannot be handed to a child process",
    );
  });
});
