/** Shared by the ONNX I/O tests: temp folders, hand-built models, and a comparable form of a model. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { modelToPlain } from '../../src/onnx/proto.ts';
import { getTensorSource, readSource } from '../../src/onnx/tensor-source.ts';
import { allTensors } from '../../src/onnx/walk.ts';
import { DataLocation, type Int64, type ModelProto, type TensorProto } from '../../src/onnx/types.ts';

/** A fresh temp folder, removed after the current test. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'olive-onnx-'));
    made.push(dir);
    return dir;
  };
}

/**
 * The model as JSON text with every tensor's bytes inline and no trace of where they were stored, so a model
 * read back from external data or by the lazy scanner compares equal to the one that was written.
 */
export async function comparable(model: ModelProto): Promise<string> {
  const copy = modelToPlain(model) as ModelProto;
  const originals = [...allTensors(model)];
  const copies = [...allTensors(copy)];
  for (const [i, tensor] of originals.entries()) await inlineBytes(tensor, copies[i]);
  return JSON.stringify(copy);
}

async function inlineBytes(original: TensorProto, copy: TensorProto): Promise<void> {
  const source = getTensorSource(original);
  if (!source || source.kind === 'bytes') return;
  copy.raw_data = Buffer.from(await readSource(source)).toString('base64') as unknown as Uint8Array;
  if (copy.data_location === DataLocation.EXTERNAL) {
    delete copy.data_location;
    delete copy.external_data;
  }
}

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  return { name, dims, data_type: 1, raw_data: new Uint8Array(Float32Array.from(values).buffer) };
}

export function tensorValueInfo(name: string, dims: Array<Int64 | string>, elemType = 1) {
  const dim = dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d }));
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
}

/** Y = X·W + B with X [rows, k], W [k, n], B [n]: small, but W can be made larger than any threshold. */
export function matMulAddModel(k: number, n: number, seed = 1): ModelProto {
  const random = seededRandom(seed);
  const weights = Array.from({ length: k * n }, () => random() - 0.5);
  const bias = Array.from({ length: n }, () => random() - 0.5);
  return {
    ir_version: 10,
    opset_import: [{ domain: '', version: 21 }],
    producer_name: 'olive-node-test',
    graph: {
      name: 'matmul_add',
      node: [
        { op_type: 'MatMul', input: ['X', 'W'], output: ['XW'], name: 'matmul' },
        { op_type: 'Add', input: ['XW', 'B'], output: ['Y'], name: 'add' },
      ],
      initializer: [floatTensor('W', [k, n], weights), floatTensor('B', [n], bias)],
      input: [tensorValueInfo('X', ['rows', k])],
      output: [tensorValueInfo('Y', ['rows', n])],
    },
  };
}

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
