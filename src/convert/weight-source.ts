/**
 * A checkpoint tensor as the bytes of an initializer: the file range itself when nothing changes, otherwise a
 * producer that converts when the writer reaches it, in worker threads (convert-pool.ts). Element-wise conversion
 * streams chunk by chunk; a transpose needs the one stored tensor whole (never the model).
 */
import type { CheckpointTensor } from '../hf/checkpoint.ts';
import { open } from 'node:fs/promises';
import { READ_CHUNK_BYTES, streamSource, type TensorSource, type WideningOrigin } from '../onnx/tensor-source.ts';
import { elementCount } from '../onnx/tensor-size.ts';
import { FLOAT_FORMAT_BYTES, type FloatFormat } from '../onnx/float-formats.ts';
import { transposeBand, type ConvertJob } from './convert-job.ts';
import { inOrder } from './convert-pool.ts';

function fileRange(tensor: CheckpointTensor): TensorSource & { kind: 'file' } {
  return { kind: 'file', path: tensor.file, offset: tensor.offset, length: tensor.length };
}


/** Read this much at a time for a conversion: a widening one (bf16 → fp32) doubles it, and a quantizer ahead of the writer holds a few. */
const CONVERT_CHUNK_BYTES = 4 * 1024 * 1024;
/** Output bands of a transposed weight about this large go to the workers. */
const TRANSPOSE_BAND_BYTES = 4 * 1024 * 1024;

/** The tensor converted chunk by chunk in worker threads, a few chunks ahead of the writer. */
async function* convertedChunks(tensor: CheckpointTensor, to: FloatFormat): AsyncGenerator<Uint8Array> {
  const from = tensor.dtype as FloatFormat;
  async function* jobs(): AsyncGenerator<ConvertJob> {
    for await (const chunk of streamSource(fileRange(tensor), CONVERT_CHUNK_BYTES)) yield { kind: 'convert', bytes: ownBuffer(chunk), from, to };
  }
  yield* inOrder(jobs());
}

/** The chunk's bytes as a whole ArrayBuffer of their own (a transferable one). */
function ownBuffer(chunk: Uint8Array): ArrayBuffer {
  const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
  if (whole) return chunk.buffer as ArrayBuffer;
  // a small Buffer is a view of Node's shared pool (and Buffer#slice is a view too): copy it out
  const copy = new Uint8Array(chunk.byteLength);
  copy.set(chunk);
  return copy.buffer;
}

type Elements = Uint16Array | Uint32Array | Float32Array;

/** Transpose a row-major [rows, cols] matrix into [cols, rows], tile by tile. */
export function transposeMatrix<T extends Elements>(values: T, rows: number, cols: number): T {
  const out = new (values.constructor as new (length: number) => T)(values.length);
  const bits = values instanceof Uint16Array ? values : new Uint32Array(values.buffer, values.byteOffset, values.length);
  const target = out instanceof Uint16Array ? out : new Uint32Array(out.buffer, out.byteOffset, out.length);
  transposeBand(bits, rows, cols, 0, cols, target);
  return out;
}

/**
 * The stored tensor read whole into memory the workers share, then transposed ([out, in] → [in, out]) and
 * converted band by band of output rows in worker threads, the bands yielded in order: peak memory is the stored
 * tensor plus a few bands, never the wider converted copy.
 */
async function* transposedChunks(tensor: CheckpointTensor, to: FloatFormat): AsyncGenerator<Uint8Array> {
  const from = tensor.dtype as FloatFormat;
  const width = FLOAT_FORMAT_BYTES[from] as 2 | 4;
  const [rows, cols] = tensor.shape;
  const stored = takeMatrix(rows * cols * width);
  try {
    await readInto(fileRange(tensor), new Uint8Array(stored, 0, rows * cols * width));
    const bandCols = Math.max(1, Math.floor(TRANSPOSE_BAND_BYTES / (rows * width)));
    function* jobs(): Generator<ConvertJob> {
      for (let firstCol = 0; firstCol < cols; firstCol += bandCols) {
        yield { kind: 'transpose', stored, rows, cols, width, firstCol, endCol: Math.min(cols, firstCol + bandCols), from, to };
      }
    }
    yield* inOrder(jobs());
  } finally {
    giveBackMatrix(stored);
  }
}

/**
 * Shared matrices are reused from one weight to the next: a SharedArrayBuffer is freed only once every worker
 * thread's heap has dropped it too, which idle workers may not do for a long time, so fresh ones pile up.
 */
const spareMatrices: SharedArrayBuffer[] = [];
const SPARE_MATRICES = 2;

function takeMatrix(bytes: number): SharedArrayBuffer {
  const fits = spareMatrices.findIndex((buffer) => buffer.byteLength >= bytes);
  if (fits >= 0) return spareMatrices.splice(fits, 1)[0];
  return new SharedArrayBuffer(Math.ceil(bytes / (1 << 20)) * (1 << 20));
}

function giveBackMatrix(buffer: SharedArrayBuffer): void {
  spareMatrices.push(buffer);
  spareMatrices.sort((a, b) => b.byteLength - a.byteLength);
  spareMatrices.length = Math.min(spareMatrices.length, SPARE_MATRICES);
}

/** The file range read straight into `out` (the shared matrix), piece by piece. */
async function readInto(range: TensorSource & { kind: 'file' }, out: Uint8Array): Promise<void> {
  if (range.length !== out.length) throw new RangeError(`${range.path}: range of ${range.length} bytes, expected ${out.length}`);
  const handle = await open(range.path, 'r');
  try {
    for (let done = 0; done < out.length; ) {
      const want = Math.min(READ_CHUNK_BYTES, out.length - done);
      const { bytesRead } = await handle.read(out, done, want, range.offset + done);
      if (bytesRead <= 0) throw new RangeError(`${range.path}: ended ${out.length - done} bytes early at ${range.offset + done}`);
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** The tensor's bytes in `to` format, transposed ([out, in] → [in, out]) when asked. */
export function weightSource(tensor: CheckpointTensor, to: FloatFormat, options: { transpose?: boolean } = {}): TensorSource {
  const length = elementCount(tensor.shape) * FLOAT_FORMAT_BYTES[to];
  const plain: TensorSource = tensor.dtype === to ? fileRange(tensor) : { kind: 'producer', length, produce: () => convertedChunks(tensor, to), ...widening(tensor, to) };
  if (!options.transpose) return plain;
  const [rows, cols] = tensor.shape;
  return { kind: 'producer', length, produce: () => transposedChunks(tensor, to), transposeOf: { source: plain, rows, cols } };
}

/** bf16 or fp16 to fp32 loses nothing: say so, so that a quantizer may read the stored values directly. */
function widening(tensor: CheckpointTensor, to: FloatFormat): { widenedFrom?: WideningOrigin } {
  const from = tensor.dtype as FloatFormat;
  return to === 'F32' && (from === 'BF16' || from === 'F16') ? { widenedFrom: { source: fileRange(tensor), format: from } } : {};
}
