/**
 * Quantize one weight tensor: its bytes stream from their source (file range, memory or producer) in slabs of
 * whole K blocks (or whole output rows), each slab goes to a free worker, and the results are placed into the
 * MatMulNBits tensors. Only the output and a few slabs are in memory at a time.
 */
import { DataType } from '../../onnx/data-types.ts';
import { OliveError } from '../../errors.ts';
import { READ_CHUNK_BYTES, streamSource, type TensorSource } from '../../onnx/tensor-source.ts';
import type { WorkerPool } from '../../threads/worker-pool.ts';
import { blobBytes, kBlockCount, zeroPointRowBytes, type BlockQuantizeSettings } from './block-quantize.ts';
import type { SlabJob, SlabResult, WeightLayout } from './slab-job.ts';

/** Aim for slabs of about this many source bytes: large enough to keep a worker busy, small enough to hold a few. */
export const SLAB_TARGET_BYTES = 4 * 1024 * 1024;

export type QuantizePool = WorkerPool<SlabJob, SlabResult>;

export interface WeightToQuantize {
  /** Initializer name, for messages. */
  name: string;
  source: TensorSource;
  dataType: SlabJob['dataType'];
  /** The source holds float32 values stored narrower (bf16/fp16), widened in the worker; default: dataType's own. */
  sourceFormat?: SlabJob['sourceFormat'];
  layout: WeightLayout;
  k: number;
  n: number;
  alpha: number;
}

export interface QuantizedWeightBytes {
  packed: Uint8Array;
  scales: Uint8Array;
  zeroPoints: Uint8Array | undefined;
}

/**
 * A dequantized value further than this many block scales from its source value means the quantizer, not the
 * rounding, is wrong (rounding to nearest stays within ½, a clamped extreme or fp16-rounded scale within about 1).
 */
export const MAX_ERROR_IN_SCALES = 1.01;

/** Bits, block size and symmetry; the scale type follows each weight's own float type. */
export type QuantizeSettings = Omit<BlockQuantizeSettings, 'scaleType'>;

/** Scales are stored in the weight's float type (MatMulNBits takes them in A's type, which is the weight's). */
export function settingsFor(weight: WeightToQuantize, settings: QuantizeSettings): BlockQuantizeSettings {
  return { ...settings, scaleType: weight.dataType === DataType.FLOAT16 ? 'float16' : 'float32' };
}

export interface QuantizedSizes {
  packed: number;
  scales: number;
  zeroPoints: number;
}

export function quantizedSizes(k: number, n: number, settings: BlockQuantizeSettings): QuantizedSizes {
  const kBlocks = kBlockCount(k, settings.blockSize);
  return {
    packed: n * kBlocks * blobBytes(settings.blockSize, settings.bits),
    scales: n * kBlocks * (settings.scaleType === 'float16' ? 2 : 4),
    zeroPoints: settings.symmetric ? 0 : n * zeroPointRowBytes(kBlocks, settings.bits),
  };
}

interface Slab {
  /** First row of the slab along the source's outer dimension (k for kn, n for nk). */
  firstRow: number;
  rows: number;
}

export async function quantizeWeight(
  weight: WeightToQuantize,
  common: QuantizeSettings,
  pool: QuantizePool,
  slabTargetBytes = SLAB_TARGET_BYTES,
): Promise<QuantizedWeightBytes> {
  const settings = settingsFor(weight, common);
  const sizes = quantizedSizes(weight.k, weight.n, settings);
  const out: QuantizedWeightBytes = {
    packed: new Uint8Array(sizes.packed),
    scales: new Uint8Array(sizes.scales),
    zeroPoints: settings.symmetric ? undefined : new Uint8Array(sizes.zeroPoints),
  };
  const elementBytes = weight.sourceFormat || weight.dataType === DataType.FLOAT16 ? 2 : 4;
  const outerRows = weight.layout === 'kn' ? weight.k : weight.n;
  const innerBytes = (weight.layout === 'kn' ? weight.n : weight.k) * elementBytes;
  // a narrower stored source still makes slabs of the same number of values (what the worker holds as float32)
  const rowsPerSlab = slabRows(weight, settings, innerBytes, weight.sourceFormat ? slabTargetBytes / 2 : slabTargetBytes);
  const placed: Promise<void>[] = [];
  let worstError = 0;
  let firstRow = 0;
  for await (const bytes of slabsOf(weight, rowsPerSlab * innerBytes, outerRows * innerBytes)) {
    const slab: Slab = { firstRow, rows: bytes.byteLength / innerBytes };
    firstRow += slab.rows;
    await pool.whenSlotFree();
    const placing = pool.run(slabJob(weight, slab, bytes, settings)).then((result) => {
      worstError = Math.max(worstError, result.worstError);
      placeSlab(out, result, weight, slab, settings);
    });
    // Awaited below by Promise.all; until then (the loop awaits the source and free slots) a rejection, e.g. from
    // a pool closed while this weight was being read ahead, must not count as unhandled.
    placing.catch(() => undefined);
    placed.push(placing);
  }
  await Promise.all(placed);
  if (!(worstError <= MAX_ERROR_IN_SCALES)) {
    throw new OliveError(`weight '${weight.name}': a dequantized value lies ${worstError} block scales from the source value (at most ${MAX_ERROR_IN_SCALES} expected): the quantized weight is wrong`);
  }
  return out;
}

/** Rows per slab: whole output rows for nk; for kn an even number of K blocks, so packed zero points stay byte-aligned. */
function slabRows(weight: WeightToQuantize, settings: BlockQuantizeSettings, innerBytes: number, targetBytes: number): number {
  const byTarget = Math.max(1, Math.floor(targetBytes / innerBytes));
  if (weight.layout === 'nk') return byTarget;
  const step = 2 * settings.blockSize;
  return Math.max(step, Math.floor(byTarget / step) * step);
}

function slabJob(weight: WeightToQuantize, slab: Slab, bytes: ArrayBuffer, settings: BlockQuantizeSettings): SlabJob {
  const k = weight.layout === 'kn' ? slab.rows : weight.k;
  const n = weight.layout === 'kn' ? weight.n : slab.rows;
  return { bytes, dataType: weight.dataType, sourceFormat: weight.sourceFormat, layout: weight.layout, k, n, alpha: weight.alpha, settings };
}

/** The source's bytes cut into fresh buffers of `slabBytes` (the last may be shorter), whatever its chunking. */
async function* slabsOf(weight: WeightToQuantize, slabBytes: number, totalBytes: number): AsyncGenerator<ArrayBuffer> {
  let received = 0;
  let buffer = new Uint8Array(Math.min(slabBytes, totalBytes));
  let filled = 0;
  for await (const chunk of streamSource(weight.source, Math.min(READ_CHUNK_BYTES, slabBytes))) {
    for (let at = 0; at < chunk.length; ) {
      if (received + filled >= totalBytes) throw new RangeError(`weight '${weight.name}': source holds more than ${totalBytes} bytes`);
      const take = Math.min(chunk.length - at, buffer.length - filled);
      buffer.set(chunk.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === buffer.length) {
        yield buffer.buffer;
        received += filled;
        buffer = new Uint8Array(Math.min(slabBytes, totalBytes - received));
        filled = 0;
      }
    }
  }
  if (received !== totalBytes) throw new RangeError(`weight '${weight.name}': source gave ${received + filled} bytes, expected ${totalBytes}`);
}

function placeSlab(out: QuantizedWeightBytes, result: SlabResult, weight: WeightToQuantize, slab: Slab, settings: BlockQuantizeSettings): void {
  const full = rowBytes(weight.k, settings);
  if (weight.layout === 'nk') {
    out.packed.set(result.packed, slab.firstRow * full.packed);
    out.scales.set(result.scales, slab.firstRow * full.scales);
    if (out.zeroPoints && result.zeroPoints) out.zeroPoints.set(result.zeroPoints, slab.firstRow * full.zeroPoints);
    return;
  }
  const part = rowBytes(slab.rows, settings);
  const firstBlock = slab.firstRow / settings.blockSize;
  const at = rowBytes(firstBlock * settings.blockSize, settings);
  placeColumns(out.packed, full.packed, at.packed, result.packed, part.packed, weight.n);
  placeColumns(out.scales, full.scales, at.scales, result.scales, part.scales, weight.n);
  if (out.zeroPoints && result.zeroPoints) placeColumns(out.zeroPoints, full.zeroPoints, at.zeroPoints, result.zeroPoints, part.zeroPoints, weight.n);
}

/** Bytes that `k` values of one output row take in each MatMulNBits tensor. */
function rowBytes(k: number, settings: BlockQuantizeSettings): QuantizedSizes {
  return quantizedSizes(k, 1, { ...settings, symmetric: false });
}

function placeColumns(dst: Uint8Array, dstRowBytes: number, dstColumn: number, src: Uint8Array, srcRowBytes: number, rows: number): void {
  for (let row = 0; row < rows; row++) {
    dst.set(src.subarray(row * srcRowBytes, (row + 1) * srcRowBytes), row * dstRowBytes + dstColumn);
  }
}
