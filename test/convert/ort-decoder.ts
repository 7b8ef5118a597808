/** Run a built decoder with onnxruntime-node, carrying the KV cache between calls as ORT GenAI would. */
import * as ort from 'onnxruntime-node';
import { halfBitsToNumber } from '../../src/onnx/float-formats.ts';

export interface OrtKvState {
  tensors: Record<string, ort.Tensor>;
  length: number;
}

export interface OrtDecoder {
  session: ort.InferenceSession;
  layers: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  floatType: 'float32' | 'float16';
}

export async function openDecoder(modelPath: string, shape: { layers: number; kvHeads: number; headDim: number; vocab: number }, floatType: 'float32' | 'float16' = 'float32'): Promise<OrtDecoder> {
  const session = await ort.InferenceSession.create(modelPath, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  return { session, floatType, ...shape };
}

export function emptyKv(decoder: OrtDecoder): OrtKvState {
  const tensors: Record<string, ort.Tensor> = {};
  const empty = decoder.floatType === 'float32' ? new Float32Array(0) : new Uint16Array(0);
  for (let i = 0; i < decoder.layers; i++) {
    for (const kind of ['key', 'value']) tensors[`past_key_values.${i}.${kind}`] = new ort.Tensor(decoder.floatType, empty, [1, decoder.kvHeads, 0, decoder.headDim]);
  }
  return { tensors, length: 0 };
}

function toFloat32(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  return Float32Array.from(tensor.data as Uint16Array, halfBitsToNumber);
}

/** Feed `tokens` after the cached ones; returns one logits row per token and the grown cache. */
export async function runDecoder(decoder: OrtDecoder, tokens: number[], kv: OrtKvState): Promise<{ logits: Float32Array[]; kv: OrtKvState }> {
  const total = kv.length + tokens.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, tokens.length]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
    ...kv.tensors,
  };
  const out = await decoder.session.run(feeds);
  const flat = toFloat32(out.logits);
  const logits = tokens.map((_, i) => flat.subarray(i * decoder.vocab, (i + 1) * decoder.vocab));
  const tensors: Record<string, ort.Tensor> = {};
  for (let i = 0; i < decoder.layers; i++) {
    tensors[`past_key_values.${i}.key`] = out[`present.${i}.key`];
    tensors[`past_key_values.${i}.value`] = out[`present.${i}.value`];
  }
  return { logits, kv: { tensors, length: total } };
}

export function maxAbsDifference(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let worst = 0;
  a.forEach((row, r) => {
    for (let i = 0; i < row.length; i++) worst = Math.max(worst, Math.abs(row[i] - b[r][i]));
  });
  return worst;
}
