/**
 * A checkpoint tensor as the bytes of an initializer: the file range itself when nothing changes, otherwise a
 * producer that converts when the writer reaches it. Element-wise conversion streams chunk by chunk; a transpose
 * needs the one tensor whole (peak memory = about twice the largest stored weight, never the model).
 */
import type { CheckpointTensor } from '../hf/checkpoint.ts';
import { READ_CHUNK_BYTES, readSource, streamSource, type TensorSource } from '../onnx/tensor-source.ts';
import { elementCount } from '../onnx/tensor-size.ts';
import { convertFloats, FLOAT_FORMAT_BYTES, type FloatFormat } from '../onnx/float-formats.ts';

function fileRange(tensor: CheckpointTensor): TensorSource & { kind: 'file' } {
  return { kind: 'file', path: tensor.file, offset: tensor.offset, length: tensor.length };
}


/** Read this much at a time for a conversion: a widening one (bf16 → fp32) doubles it, and a quantizer ahead of the writer holds a few. */
const CONVERT_CHUNK_BYTES = 4 * 1024 * 1024;

async function* convertedChunks(tensor: CheckpointTensor, to: FloatFormat): AsyncGenerator<Uint8Array> {
  const from = tensor.dtype as FloatFormat;
  for await (const chunk of streamSource(fileRange(tensor), CONVERT_CHUNK_BYTES)) yield convertFloats(chunk, from, to);
}

/** Square tiles this wide keep both the rows read and the rows written in cache (fastest measured: 16 < 32, 64). */
const TRANSPOSE_TILE = 16;

type Elements = Uint16Array | Uint32Array | Float32Array;

/** Transpose a row-major [rows, cols] matrix into [cols, rows], tile by tile. */
export function transposeMatrix<T extends Elements>(values: T, rows: number, cols: number): T {
  const out = new (values.constructor as new (length: number) => T)(values.length);
  for (let r0 = 0; r0 < rows; r0 += TRANSPOSE_TILE) {
    const r1 = Math.min(rows, r0 + TRANSPOSE_TILE);
    for (let c0 = 0; c0 < cols; c0 += TRANSPOSE_TILE) {
      const c1 = Math.min(cols, c0 + TRANSPOSE_TILE);
      for (let r = r0; r < r1; r++) {
        let from = r * cols + c0;
        let to = c0 * rows + r;
        for (let c = c0; c < c1; c++, from++, to += rows) out[to] = values[from];
      }
    }
  }
  return out;
}

/**
 * Transpose in the checkpoint's own format (bit patterns, so any width), then convert chunk by chunk while the
 * writer consumes: peak memory is twice the stored tensor, never the wider converted copy on top.
 */
async function* transposedChunks(tensor: CheckpointTensor, to: FloatFormat): AsyncGenerator<Uint8Array> {
  const from = tensor.dtype as FloatFormat;
  const bytes = transposeStored(await readSource(fileRange(tensor)), tensor.shape, FLOAT_FORMAT_BYTES[from]);
  for (let at = 0; at < bytes.length; at += READ_CHUNK_BYTES) yield convertFloats(bytes.subarray(at, at + READ_CHUNK_BYTES), from, to);
}

/** The stored bytes transposed as `width`-byte elements; the input buffer is not kept, so it can be collected. */
function transposeStored(stored: Uint8Array, [rows, cols]: number[], width: number): Uint8Array {
  const count = rows * cols;
  const elements = width === 4 ? new Uint32Array(stored.buffer, stored.byteOffset, count) : new Uint16Array(stored.buffer, stored.byteOffset, count);
  const swapped = transposeMatrix(elements, rows, cols);
  return new Uint8Array(swapped.buffer, swapped.byteOffset, swapped.byteLength);
}

/** The tensor's bytes in `to` format, transposed ([out, in] → [in, out]) when asked. */
export function weightSource(tensor: CheckpointTensor, to: FloatFormat, options: { transpose?: boolean } = {}): TensorSource {
  const length = elementCount(tensor.shape) * FLOAT_FORMAT_BYTES[to];
  const plain: TensorSource = tensor.dtype === to ? fileRange(tensor) : { kind: 'producer', length, produce: () => convertedChunks(tensor, to) };
  if (!options.transpose) return plain;
  const [rows, cols] = tensor.shape;
  return { kind: 'producer', length, produce: () => transposedChunks(tensor, to), transposeOf: { source: plain, rows, cols } };
}
