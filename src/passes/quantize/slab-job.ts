/**
 * One unit of quantization work: a contiguous run of a weight's raw bytes (a slab of whole K blocks or whole
 * output rows), quantized on its own. Runs inside a worker thread; everything in and out is transferable.
 */
import { DataType } from '../../onnx/data-types.ts';
import { decodeFloats, encodeFloats } from '../../onnx/float-formats.ts';
import { blockQuantize, worstErrorInScales, type BlockQuantizeSettings } from './block-quantize.ts';

/** kn: the slab holds k rows of n values (a MatMul weight); nk: n rows of k values (transposed, Gemm transB). */
export type WeightLayout = 'kn' | 'nk';

export interface SlabJob {
  bytes: ArrayBuffer;
  dataType: typeof DataType.FLOAT | typeof DataType.FLOAT16;
  /** float32 weights whose bytes are stored as bf16 or fp16 values (widened here, exactly); absent: dataType's own bytes. */
  sourceFormat?: 'BF16' | 'F16';
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
  /** The slab's largest dequantization error in units of its block's scale (worstErrorInScales). */
  worstError: number;
}

export function quantizeSlab(job: SlabJob): SlabResult {
  const values = slabValues(job);
  const strides = job.layout === 'nk' ? { rowStride: job.k, kStride: 1 } : { rowStride: 1, kStride: job.n };
  const weight = { values, rows: job.n, k: job.k, ...strides };
  const result = blockQuantize(weight, job.settings);
  const worstError = worstErrorInScales(weight, result, job.settings);
  const scales = job.settings.scaleType === 'float16'
    ? encodeFloats(result.scales, 'F16')
    : new Uint8Array(result.scales.buffer, result.scales.byteOffset, result.scales.byteLength);
  return { packed: result.packed, scales, zeroPoints: result.zeroPoints, worstError };
}

function slabValues(job: SlabJob): Float32Array {
  const bytes = new Uint8Array(job.bytes);
  const values = job.sourceFormat ? decodeFloats(bytes, job.sourceFormat) : job.dataType === DataType.FLOAT16 ? decodeFloats(bytes, 'F16') : new Float32Array(job.bytes);
  if (job.alpha !== 1) {
    for (let i = 0; i < values.length; i++) values[i] = Math.fround(values[i] * job.alpha);
  }
  return values;
}
