/**
 * Block-wise round-to-nearest quantization of one weight matrix into the MatMulNBits layout (REFERENCE §6).
 * The arithmetic follows ONNX Runtime's own blockwise quantizer step for step (float32 products, the stored
 * scale's reciprocal, round half away from zero), so a weight quantized here is bit-identical to ORT's.
 */
import { decodeFloats, encodeFloats } from '../../onnx/float-formats.ts';

export type QuantBits = 4 | 8;
export type ScaleType = 'float32' | 'float16';

/**
 * A weight matrix seen as MatMulNBits sees it, one row of K values per output feature n, wherever its values lie:
 * value (n, k) is values[n·rowStride + k·kStride]. A MatMul weight [K, N] has rowStride 1 and kStride N; a
 * transposed one [N, K] has rowStride K and kStride 1 (the default).
 */
export interface RowMajorWeight {
  values: Float32Array;
  rows: number;
  k: number;
  rowStride?: number;
  kStride?: number;
}

interface RowView {
  values: Float32Array;
  /** Index of (n, 0). */
  base: number;
  kStride: number;
  k: number;
}

export interface BlockQuantizeSettings {
  bits: QuantBits;
  blockSize: number;
  symmetric: boolean;
  /** Scales are rounded to this type before values are quantized with them, as ORT does for fp16 weights. */
  scaleType: ScaleType;
}

export interface BlockQuantized {
  /** rows × kBlocks × (blockSize·bits/8) bytes; a partial last block is padded with zero bits. */
  packed: Uint8Array;
  /** rows × kBlocks scales, the values stored (already rounded to the scale type). */
  scales: Float32Array;
  /** rows × ceil(kBlocks·bits/8) bytes of packed zero points; absent when symmetric (implied 8 or 128). */
  zeroPoints: Uint8Array | undefined;
}

export function kBlockCount(k: number, blockSize: number): number {
  return Math.ceil(k / blockSize);
}

export function blobBytes(blockSize: number, bits: QuantBits): number {
  return (blockSize * bits) / 8;
}

export function zeroPointRowBytes(kBlocks: number, bits: QuantBits): number {
  return Math.ceil((kBlocks * bits) / 8);
}

export function blockQuantize(weight: RowMajorWeight, settings: BlockQuantizeSettings): BlockQuantized {
  const { rows, k } = weight;
  const { bits, blockSize, symmetric } = settings;
  const kBlocks = kBlockCount(k, blockSize);
  const rowBytes = kBlocks * blobBytes(blockSize, bits);
  const zpRowBytes = zeroPointRowBytes(kBlocks, bits);
  const packed = new Uint8Array(rows * rowBytes);
  const scales = new Float32Array(rows * kBlocks);
  const zeroPoints = symmetric ? undefined : new Uint8Array(rows * zpRowBytes);
  const rowZeroPoints = new Uint8Array(kBlocks);
  const rowStride = weight.rowStride ?? k;
  const kStride = weight.kStride ?? 1;
  for (let row = 0; row < rows; row++) {
    const values: RowView = { values: weight.values, base: row * rowStride, kStride, k };
    const rowScales = scales.subarray(row * kBlocks, row * kBlocks + kBlocks);
    if (symmetric) symmetricScales(values, blockSize, bits, rowScales);
    else asymmetricScales(values, blockSize, bits, rowScales, rowZeroPoints);
    roundScales(rowScales, settings.scaleType);
    const rowPacked = packed.subarray(row * rowBytes, row * rowBytes + rowBytes);
    quantizeRow(values, rowScales, symmetric ? undefined : rowZeroPoints, settings, rowPacked);
    if (zeroPoints) packZeroPoints(rowZeroPoints, bits, zeroPoints.subarray(row * zpRowBytes, row * zpRowBytes + zpRowBytes));
  }
  return { packed, scales, zeroPoints };
}

/** scale = −m / 2^(bits−1), m the block's element of largest magnitude, sign kept (the negative one on a tie). */
function symmetricScales(values: RowView, blockSize: number, bits: QuantBits, out: Float32Array): void {
  const halfRange = 2 ** (bits - 1);
  for (let block = 0; block < out.length; block++) {
    const { min, max } = blockRange(values, block * blockSize, blockSize);
    const extreme = Math.abs(max) > Math.abs(min) ? max : min;
    out[block] = Math.fround(-extreme / halfRange);
  }
}

/** The range is widened to hold 0; the zero point is where 0 lands, rounded and clamped to the code range. */
function asymmetricScales(values: RowView, blockSize: number, bits: QuantBits, out: Float32Array, zeroPoints: Uint8Array): void {
  const maxCode = 2 ** bits - 1;
  for (let block = 0; block < out.length; block++) {
    const range = blockRange(values, block * blockSize, blockSize);
    const min = Math.min(range.min, 0);
    const max = Math.max(range.max, 0);
    const scale = Math.fround(Math.fround(max - min) / maxCode);
    const zeroPoint = scale !== 0 ? Math.fround(0 - Math.fround(min / scale)) : min;
    zeroPoints[block] = zeroPoint < 0 ? 0 : zeroPoint > maxCode ? maxCode : roundHalfAwayFromZero(zeroPoint);
    out[block] = scale;
  }
}

function blockRange(row: RowView, start: number, blockSize: number): { min: number; max: number } {
  const end = Math.min(start + blockSize, row.k);
  const { values, base, kStride } = row;
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i++) {
    const v = values[base + i * kStride];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

function roundScales(scales: Float32Array, scaleType: ScaleType): void {
  if (scaleType === 'float32') return;
  scales.set(decodeFloats(encodeFloats(scales, 'F16'), 'F16'));
}

/** q = clamp(round_half_away_from_zero(v·(1/scale) + zp), 0, 2^bits − 1), in float32 as ORT computes it. */
function quantizeRow(
  values: RowView,
  scales: Float32Array,
  zeroPoints: Uint8Array | undefined,
  settings: BlockQuantizeSettings,
  out: Uint8Array,
): void {
  const { bits, blockSize } = settings;
  const maxCode = 2 ** bits - 1;
  const defaultZeroPoint = 2 ** (bits - 1);
  for (let block = 0; block < scales.length; block++) {
    const scale = scales[block];
    const reciprocal = scale !== 0 ? Math.fround(1 / scale) : 0;
    const zeroPoint = zeroPoints ? zeroPoints[block] : defaultZeroPoint;
    const start = block * blockSize;
    const end = Math.min(start + blockSize, values.k);
    if (bits === 8) quantizeBytes(values, start, end, reciprocal, zeroPoint, out);
    else quantizeNibbles(values, start, end, reciprocal, zeroPoint, maxCode, out);
  }
}

function quantizeBytes(row: RowView, start: number, end: number, reciprocal: number, zeroPoint: number, out: Uint8Array): void {
  const { values, base, kStride } = row;
  for (let i = start; i < end; i++) out[i] = code(values[base + i * kStride], reciprocal, zeroPoint, 255);
}

/** Two codes per byte, the lower k in the low nibble; an odd K leaves the last high nibble 0. */
function quantizeNibbles(row: RowView, start: number, end: number, reciprocal: number, zeroPoint: number, maxCode: number, out: Uint8Array): void {
  const { values, base, kStride } = row;
  let i = start;
  for (; i + 1 < end; i += 2) {
    const low = code(values[base + i * kStride], reciprocal, zeroPoint, maxCode);
    out[i >> 1] = low | (code(values[base + (i + 1) * kStride], reciprocal, zeroPoint, maxCode) << 4);
  }
  if (i < end) out[i >> 1] = code(values[base + i * kStride], reciprocal, zeroPoint, maxCode);
}

/** x + 0.5 truncated is round-half-up, which is away from zero for the positive x it is used on. */
function code(value: number, reciprocal: number, zeroPoint: number, maxCode: number): number {
  const x = Math.fround(Math.fround(value * reciprocal) + zeroPoint);
  if (x <= 0 || x !== x) return 0;
  return x >= maxCode ? maxCode : (x + 0.5) | 0;
}

function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

function packZeroPoints(zeroPoints: Uint8Array, bits: QuantBits, out: Uint8Array): void {
  if (bits === 8) {
    out.set(zeroPoints);
    return;
  }
  for (let block = 0; block < zeroPoints.length; block++) {
    out[block >> 1] |= (block & 1) === 0 ? zeroPoints[block] : zeroPoints[block] << 4;
  }
}

/** The float value a code stands for: (q − zero point)·scale. Used by tests and the accuracy checks. */
export function dequantize(quantized: BlockQuantized, rows: number, k: number, settings: BlockQuantizeSettings): Float32Array {
  const { bits, blockSize } = settings;
  const kBlocks = kBlockCount(k, blockSize);
  const rowBytes = kBlocks * blobBytes(blockSize, bits);
  const zpRowBytes = zeroPointRowBytes(kBlocks, bits);
  const out = new Float32Array(rows * k);
  for (let row = 0; row < rows; row++) {
    for (let i = 0; i < k; i++) {
      const block = Math.floor(i / blockSize);
      const byte = quantized.packed[row * rowBytes + (bits === 8 ? i : i >> 1)];
      const code = bits === 8 ? byte : (i & 1) === 0 ? byte & 0xf : byte >> 4;
      const zeroPoint = quantized.zeroPoints ? unpackCode(quantized.zeroPoints, row * zpRowBytes, block, bits) : 2 ** (bits - 1);
      out[row * k + i] = Math.fround((code - zeroPoint) * quantized.scales[row * kBlocks + block]);
    }
  }
  return out;
}

function unpackCode(bytes: Uint8Array, rowStart: number, index: number, bits: QuantBits): number {
  if (bits === 8) return bytes[rowStart + index];
  const byte = bytes[rowStart + (index >> 1)];
  return (index & 1) === 0 ? byte & 0xf : byte >> 4;
}

/**
 * The per-weight check that replaces running the whole quantized model: the largest |v − dequantized v| over the
 * weight, in units of its block's |scale|. Round to nearest keeps it at ½ (a clamped extreme or a rounded zero
 * point at most 1); a packing or layout fault shows as several. A block of zeros (scale 0) must come back exact.
 */
export function worstErrorInScales(weight: RowMajorWeight, quantized: BlockQuantized, settings: BlockQuantizeSettings): number {
  const { bits, blockSize } = settings;
  const { rows, k } = weight;
  const kBlocks = kBlockCount(k, blockSize);
  const rowBytes = kBlocks * blobBytes(blockSize, bits);
  const zpRowBytes = zeroPointRowBytes(kBlocks, bits);
  const rowStride = weight.rowStride ?? k;
  const kStride = weight.kStride ?? 1;
  const { values } = weight;
  const { packed, scales, zeroPoints } = quantized;
  const defaultZeroPoint = 2 ** (bits - 1);
  let worst = 0;
  for (let row = 0; row < rows; row++) {
    const codes = row * rowBytes;
    for (let block = 0; block < kBlocks; block++) {
      const scale = scales[row * kBlocks + block];
      const zeroPoint = zeroPoints ? unpackCode(zeroPoints, row * zpRowBytes, block, bits) : defaultZeroPoint;
      const end = Math.min(k, (block + 1) * blockSize);
      let largest = 0;
      for (let i = block * blockSize, at = row * rowStride + i * kStride; i < end; i++, at += kStride) {
        const byte = packed[codes + (bits === 8 ? i : i >> 1)];
        const code = bits === 8 ? byte : (i & 1) === 0 ? byte & 0xf : byte >> 4;
        const error = Math.abs(values[at] - (code - zeroPoint) * scale);
        if (error > largest) largest = error;
      }
      const inScales = scale !== 0 ? largest / Math.abs(scale) : largest === 0 ? 0 : Infinity;
      if (inScales > worst || inScales !== inScales) worst = inScales !== inScales ? Infinity : inScales;
    }
  }
  return worst;
}
