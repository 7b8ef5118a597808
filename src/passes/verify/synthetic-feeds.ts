/**
 * Inputs for checking that a rewritten model still computes what the original did, made from the graph's input
 * types: floats pseudo-random in [−0.5, 0.5), integers 1 (a valid token id, an attention mask that attends). A symbolic dimension
 * whose name mentions "past" is 0 (an empty KV cache), any other symbolic dimension is 1, so that a decoder's
 * total_sequence_length agrees with past + new.
 */
import * as ort from 'onnxruntime-node';
import { encodeFloats } from '../../onnx/float-formats.ts';
import { OliveError } from '../../errors.ts';
import { DataType } from '../../onnx/data-types.ts';
import { int64ToNumber } from '../../onnx/proto.ts';
import type { ModelProto, ValueInfoProto } from '../../onnx/types.ts';

export function syntheticFeeds(model: ModelProto, seed = 1): Record<string, ort.Tensor> {
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const feeds: Record<string, ort.Tensor> = {};
  let state = seed;
  for (const input of model.graph?.input ?? []) {
    if (initializers.has(input.name)) continue;
    const dims = inputDims(input);
    const count = dims.reduce((product, d) => product * d, 1);
    feeds[input.name ?? ''] = syntheticTensor(input, dims, count, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32 - 0.5;
    });
  }
  return feeds;
}

function inputDims(input: ValueInfoProto): number[] {
  return (input.type?.tensor_type?.shape?.dim ?? []).map((d) => {
    if (d.dim_param !== undefined && d.dim_param !== '') return /past/i.test(d.dim_param) ? 0 : 1;
    return d.dim_value === undefined ? 1 : int64ToNumber(d.dim_value);
  });
}

function syntheticTensor(input: ValueInfoProto, dims: number[], count: number, random: () => number): ort.Tensor {
  const elemType = input.type?.tensor_type?.elem_type;
  switch (elemType) {
    case DataType.FLOAT:
      return new ort.Tensor('float32', Float32Array.from({ length: count }, random), dims);
    case DataType.FLOAT16: {
      const halves = encodeFloats(Float32Array.from({ length: count }, random), 'F16');
      return new ort.Tensor('float16', new Uint16Array(halves.buffer, halves.byteOffset, count), dims);
    }
    case DataType.INT64:
      return new ort.Tensor('int64', new BigInt64Array(count).fill(1n), dims);
    case DataType.INT32:
      return new ort.Tensor('int32', new Int32Array(count).fill(1), dims);
    case DataType.BOOL:
      return new ort.Tensor('bool', new Uint8Array(count).fill(1), dims);
    default:
      throw new OliveError(`cannot make a test value for model input '${input.name ?? ''}' of element type ${String(elemType)}`);
  }
}
