/** Small ONNX graphs built by hand for the pass tests, and running them in onnxruntime-node. */
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../src/onnx/proto.ts';
import { DataType } from '../../src/onnx/data-types.ts';
import { AttributeType, type AttributeProto, type GraphProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../../src/onnx/types.ts';

export function floatTensor(name: string, dims: number[], values: Float32Array): TensorProto {
  return { name, dims, data_type: DataType.FLOAT, raw_data: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
}

export function rawTensor(name: string, dataType: number, dims: number[], bytes: Uint8Array): TensorProto {
  return { name, dims, data_type: dataType, raw_data: bytes };
}

export function valueInfo(name: string, elemType: number, dims: (number | string)[]): ValueInfoProto {
  return {
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  };
}

export function intAttr(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

export function floatAttr(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.FLOAT, f: value };
}

export function intsAttr(name: string, values: number[]): AttributeProto {
  return { name, type: AttributeType.INTS, ints: values };
}

export function node(opType: string, input: string[], output: string[], extra: Partial<NodeProto> = {}): NodeProto {
  return { op_type: opType, input, output, name: extra.name ?? `${opType}_${output[0]}`, ...extra };
}

export function model(graph: GraphProto, opset = 21): ModelProto {
  return {
    ir_version: 10,
    producer_name: 'olive-node-test',
    opset_import: [{ domain: '', version: opset }, { domain: 'com.microsoft', version: 1 }],
    graph,
  };
}

/** Deterministic pseudo-random floats (mulberry32), roughly normal-ish in [-scale, scale]. */
export function randomFloats(count: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (next() + next() + next() - 1.5) * (2 / 1.5) * scale;
  return out;
}

export async function runModel(
  proto: ModelProto | string,
  feeds: Record<string, ort.Tensor>,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<Record<string, ort.Tensor>> {
  const session = typeof proto === 'string'
    ? await ort.InferenceSession.create(proto, options)
    : await ort.InferenceSession.create(encodeModel(proto), options);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

export function f32(data: Float32Array, dims: number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

/** y[m, n] = Σ_k a[m, k]·w[n, k], in float64. */
export function matmulRowMajor(a: Float32Array, m: number, k: number, wNk: Float32Array, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let row = 0; row < m; row++) {
    for (let col = 0; col < n; col++) {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += a[row * k + i] * wNk[col * k + i];
      out[row * n + col] = sum;
    }
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

export function maxAbs(a: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]));
  return worst;
}

/** Cosine similarity of two equally long vectors (logits of a quantized model against the float one). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return dot / Math.sqrt(aa * bb);
}
