/**
 * A checkpoint tensor as the bytes of an initializer: the file range itself when nothing changes, otherwise a
 * producer that converts when the writer reaches it. Element-wise conversion streams chunk by chunk; a transpose
 * needs the one tensor whole (peak memory = the largest single weight, never the model).
 */
import type { CheckpointTensor } from '../hf/checkpoint.ts';
import { readSource, streamSource, type TensorSource } from '../onnx/tensor-source.ts';
import { convertFloats, decodeFloats, encodeFloats, FLOAT_FORMAT_BYTES, type FloatFormat } from './convert-float.ts';

function fileRange(tensor: CheckpointTensor): TensorSource & { kind: 'file' } {
  return { kind: 'file', path: tensor.file, offset: tensor.offset, length: tensor.length };
}

function elementCount(tensor: CheckpointTensor): number {
  return tensor.shape.reduce((a, b) => a * b, 1);
}

async function* convertedChunks(tensor: CheckpointTensor, to: FloatFormat): AsyncGenerator<Uint8Array> {
  const from = tensor.dtype as FloatFormat;
  for await (const chunk of streamSource(fileRange(tensor))) yield convertFloats(chunk, from, to);
}

/** Transpose a row-major [rows, cols] matrix into [cols, rows]. */
export function transposeMatrix(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    const rowStart = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[rowStart + c];
  }
  return out;
}

async function transposed(tensor: CheckpointTensor, to: FloatFormat): Promise<Uint8Array> {
  const [rows, cols] = tensor.shape;
  const values = decodeFloats(await readSource(fileRange(tensor)), tensor.dtype as FloatFormat);
  return encodeFloats(transposeMatrix(values, rows, cols), to);
}

/** The tensor's bytes in `to` format, transposed ([out, in] → [in, out]) when asked. */
export function weightSource(tensor: CheckpointTensor, to: FloatFormat, options: { transpose?: boolean } = {}): TensorSource {
  const length = elementCount(tensor) * FLOAT_FORMAT_BYTES[to];
  if (options.transpose) return { kind: 'producer', length, produce: () => transposed(tensor, to) };
  if (tensor.dtype === to) return fileRange(tensor);
  return { kind: 'producer', length, produce: () => convertedChunks(tensor, to) };
}
