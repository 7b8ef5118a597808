/**
 * Reference-side checkpoint loading: reads a whole (small) safetensors file and decodes every tensor to float64.
 * Deliberately independent of src/ so a decoding bug in the builder cannot hide in both places.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Weight {
  shape: number[];
  data: Float64Array;
}

function decodeHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function decode(bytes: Buffer, dtype: string): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'F32') return Float64Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
  if (dtype === 'F16') return Float64Array.from({ length: bytes.length / 2 }, (_, i) => decodeHalf(view.getUint16(i * 2, true)));
  if (dtype === 'BF16') {
    const scratch = new DataView(new ArrayBuffer(4));
    return Float64Array.from({ length: bytes.length / 2 }, (_, i) => {
      scratch.setUint32(0, view.getUint16(i * 2, true) << 16);
      return scratch.getFloat32(0);
    });
  }
  throw new Error(`reference loader: unsupported dtype ${dtype}`);
}

export function loadWeights(dir: string): Map<string, Weight> {
  const file = readFileSync(path.join(dir, 'model.safetensors'));
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const start = 8 + headerLength;
  const weights = new Map<string, Weight>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const bytes = file.subarray(start + entry.data_offsets[0], start + entry.data_offsets[1]);
    weights.set(name, { shape: entry.shape, data: decode(bytes, entry.dtype) });
  }
  return weights;
}

export function loadConfig(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
}
