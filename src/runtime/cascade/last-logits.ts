/** The logits of the last position ([batch 1, sequence, vocab]) as float32, whatever the model's output type. */
import type * as ort from 'onnxruntime-node';
import { halfBitsToNumber } from '../../onnx/float-formats.ts';

export function lastLogits(logits: ort.Tensor): Float32Array {
  const vocab = logits.dims[logits.dims.length - 1];
  const values = logits.data as Float32Array | Uint16Array;
  const row = values.subarray(values.length - vocab);
  return logits.type === 'float16' ? Float32Array.from(row as Uint16Array, halfBitsToNumber) : (row as Float32Array);
}

/** The index of the largest value (the first one on a tie). */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
