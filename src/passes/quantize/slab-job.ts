/**
 * One unit of quantization work: a contiguous run of a weight's raw bytes (a slab of whole K blocks or whole
 * output rows), quantized on its own. Runs inside a worker thread; everything in and out is transferable.
 */
import { DataType } from '../../onnx/data-types.ts';
import { decodeFloats, encodeFloats } from '../../build/convert-float.ts';
import { blockQuantize, type BlockQuantizeSettings } from './block-quantize.ts';

/** kn: the slab holds k rows of n values (a MatMul weight); nk: n rows of k values (transposed, Gemm transB). */
export type WeightLayout = 'kn' | 'nk';

export interface SlabJob {
  bytes: ArrayBuffer;
  dataType: typeof DataType.FLOAT | typeof DataType.FLOAT16;
  layout: WeightLayout;
  /** K and N of this slab (one of them is the full dimension). */
  k: number;
  n: number;
  /** Gemm's alpha, folded into the weights before quantizing; 1 for MatMul. */
  alpha: number;
  settings: BlockQuantizeSettings;
}

export interface SlabResult {
  packed: Uint8Array;
  /** Raw bytes of the scales in the scale type (float32 or float16, little-endian). */
  scales: Uint8Array;
  zeroPoints: Uint8Array | undefined;
}

export function quantizeSlab(job: SlabJob): SlabResult {
  const values = slabValues(job);
  const rowMajor = job.layout === 'nk' ? values : transpose(values, job.k, job.n);
  const result = blockQuantize({ values: rowMajor, rows: job.n, k: job.k }, job.settings);
  const scales = job.settings.scaleType === 'float16'
    ? encodeFloats(result.scales, 'F16')
    : new Uint8Array(result.scales.buffer, result.scales.byteOffset, result.scales.byteLength);
  return { packed: result.packed, scales, zeroPoints: result.zeroPoints };
}

function slabValues(job: SlabJob): Float32Array {
  const bytes = new Uint8Array(job.bytes);
  const values = job.dataType === DataType.FLOAT16 ? decodeFloats(bytes, 'F16') : new Float32Array(job.bytes);
  if (job.alpha !== 1) {
    for (let i = 0; i < values.length; i++) values[i] = Math.fround(values[i] * job.alpha);
  }
  return values;
}

/** Tile size of the transpose: 64×64 floats stay in L1 on both sides of the copy. */
const TRANSPOSE_TILE = 64;

/** [rows, cols] → [cols, rows], tile by tile so the strided side stays in cache. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r0 = 0; r0 < rows; r0 += TRANSPOSE_TILE) {
    const r1 = Math.min(r0 + TRANSPOSE_TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TRANSPOSE_TILE) {
      const c1 = Math.min(c0 + TRANSPOSE_TILE, cols);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) out[c * rows + r] = values[r * cols + c];
      }
    }
  }
  return out;
}
