/**
 * One unit of conversion work for a worker thread: a chunk of a weight converted between float formats, or a band
 * of output rows of a transposed weight (read from the whole stored matrix, shared with every worker) converted.
 */
import { convertFloats, type FloatFormat } from '../onnx/float-formats.ts';

export type ConvertJob =
  | { kind: 'convert'; bytes: ArrayBuffer; from: FloatFormat; to: FloatFormat }
  | {
      kind: 'transpose';
      /** The stored [rows, cols] matrix, row-major, `width` bytes per element, from its start (the buffer may be longer). */
      stored: SharedArrayBuffer;
      rows: number;
      cols: number;
      width: 2 | 4;
      /** Output rows [firstCol, endCol) of the [cols, rows] transpose. */
      firstCol: number;
      endCol: number;
      from: FloatFormat;
      to: FloatFormat;
    };

export interface ConvertResult {
  bytes: Uint8Array;
}

/** Square tiles this wide keep both the rows read and the rows written in cache (fastest measured: 16 < 32, 64). */
export const TRANSPOSE_TILE = 16;

type Elements = Uint16Array<ArrayBufferLike> | Uint32Array<ArrayBufferLike>;

/** Output rows [firstCol, endCol) of the transpose of the row-major [rows, cols] matrix `values`, tile by tile. */
export function transposeBand(values: Elements, rows: number, cols: number, firstCol: number, endCol: number, out: Elements): Elements {
  for (let r0 = 0; r0 < rows; r0 += TRANSPOSE_TILE) {
    const r1 = Math.min(rows, r0 + TRANSPOSE_TILE);
    for (let c0 = firstCol; c0 < endCol; c0 += TRANSPOSE_TILE) {
      const c1 = Math.min(endCol, c0 + TRANSPOSE_TILE);
      for (let r = r0; r < r1; r++) {
        let from = r * cols + c0;
        let to = (c0 - firstCol) * rows + r;
        for (let c = c0; c < c1; c++, from++, to += rows) out[to] = values[from];
      }
    }
  }
  return out;
}

export function runConvertJob(job: ConvertJob): ConvertResult {
  if (job.kind === 'convert') return { bytes: convertFloats(new Uint8Array(job.bytes), job.from, job.to) };
  const count = (job.endCol - job.firstCol) * job.rows;
  const band = job.width === 4 ? new Uint32Array(count) : new Uint16Array(count);
  // the shared matrix may be larger than this weight (it is reused from weight to weight)
  const elements = job.rows * job.cols;
  const stored = job.width === 4 ? new Uint32Array(job.stored, 0, elements) : new Uint16Array(job.stored, 0, elements);
  transposeBand(stored, job.rows, job.cols, job.firstCol, job.endCol, band);
  return { bytes: convertFloats(new Uint8Array(band.buffer), job.from, job.to) };
}
