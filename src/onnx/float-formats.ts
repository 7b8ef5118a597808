/**
 * Element conversions between the float formats checkpoints and models use, on little-endian raw bytes.
 * Narrowing rounds to nearest, ties to even (as PyTorch's .to(float16) and numpy's astype do).
 */

export type FloatFormat = 'F32' | 'F16' | 'BF16';

export const FLOAT_FORMAT_BYTES: Record<FloatFormat, number> = { F32: 4, F16: 2, BF16: 2 };

let halfToFloatTable: Float32Array | undefined;

/** All 65536 half values decoded once: a lookup is far faster than bit arithmetic per element. */
function halfTable(): Float32Array {
  if (halfToFloatTable) return halfToFloatTable;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) table[bits] = decodeHalf(bits);
  halfToFloatTable = table;
  return table;
}

/** One float16 bit pattern (as ONNX Runtime hands float16 tensors over: Uint16 bits) as a number. */
export function halfBitsToNumber(bits: number): number {
  return halfTable()[bits & 0xffff];
}

/** The float16 bit pattern nearest to a number (through float32, which holds every float16 midpoint exactly). */
export function numberToHalfBits(value: number): number {
  scratch[0] = value;
  return floatBitsToHalf(scratchBits[0]);
}

function decodeHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** |x| at or above 65536 (as float32 bits) is past every half, whatever the rounding. */
const HALF_OVERFLOW_BITS = 143 << 23;
const FLOAT_INFINITY_BITS = 0x7f800000;
/** Below 2^-14 (float32 exponent 113) a half is subnormal. */
const HALF_NORMAL_MIN_BITS = 113 << 23;
/** Adding 0.5 (float32 exponent 126) lines a subnormal half's bits up with the float32 mantissa's low bits. */
const SUBNORMAL_MAGIC_BITS = 126 << 23;
const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/**
 * float32 bit pattern → float16 bit pattern, round to nearest even (integer rounding on the mantissa, carries
 * move into the exponent as they should; subnormals rounded by the FPU through a float addition).
 */
export function floatBitsToHalf(f32: number): number {
  const sign = (f32 >>> 16) & 0x8000;
  const magnitude = f32 & 0x7fffffff;
  if (magnitude >= HALF_OVERFLOW_BITS) return sign | (magnitude > FLOAT_INFINITY_BITS ? 0x7e00 : 0x7c00);
  if (magnitude < HALF_NORMAL_MIN_BITS) {
    scratchBits[0] = magnitude;
    scratch[0] += 0.5;
    return sign | (scratchBits[0] - SUBNORMAL_MAGIC_BITS);
  }
  const odd = (magnitude >>> 13) & 1;
  return sign | ((magnitude - (112 << 23) + 0xfff + odd) >>> 13);
}

/** float32 bit pattern → bfloat16 bit pattern, round to nearest even. */
export function floatBitsToBfloat(f32: number): number {
  if ((f32 & 0x7f800000) === 0x7f800000 && (f32 & 0x7fffff) !== 0) return ((f32 >>> 16) | 0x40) & 0xffff;
  const rounded = f32 + 0x7fff + ((f32 >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

function asFloat32(bytes: Uint8Array, format: FloatFormat): Float32Array {
  const count = bytes.length / FLOAT_FORMAT_BYTES[format];
  if (format === 'F32') {
    const copy = new Float32Array(count);
    new Uint8Array(copy.buffer).set(bytes);
    return copy;
  }
  const halves = new Uint16Array(count);
  new Uint8Array(halves.buffer).set(bytes);
  const out = new Float32Array(count);
  if (format === 'F16') {
    const table = halfTable();
    for (let i = 0; i < count; i++) out[i] = table[halves[i]];
  } else {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = halves[i] << 16;
  }
  return out;
}

function fromFloat32(values: Float32Array, format: FloatFormat): Uint8Array {
  if (format === 'F32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  const narrow = format === 'F16' ? floatBitsToHalf : floatBitsToBfloat;
  for (let i = 0; i < values.length; i++) out[i] = narrow(bits[i]);
  return new Uint8Array(out.buffer);
}

/** Decode raw little-endian bytes of `format` into float32 values (a copy). */
export function decodeFloats(bytes: Uint8Array, format: FloatFormat): Float32Array {
  if (bytes.length % FLOAT_FORMAT_BYTES[format] !== 0) throw new RangeError(`${bytes.length} bytes is not a whole number of ${format} values`);
  return asFloat32(bytes, format);
}

/** Encode float32 values as raw little-endian bytes of `format`. */
export function encodeFloats(values: Float32Array, format: FloatFormat): Uint8Array {
  return fromFloat32(values, format);
}

const halfWidthTables = new Map<string, Uint16Array>();

/** Every one of the 65536 patterns of `from` converted to `to` once: a lookup per element beats the arithmetic. */
function halfWidthTable(from: 'F16' | 'BF16', to: 'F16' | 'BF16'): Uint16Array {
  const key = `${from}>${to}`;
  let table = halfWidthTables.get(key);
  if (!table) {
    const all = new Uint16Array(65536).map((_, bits) => bits);
    table = new Uint16Array(fromFloat32(asFloat32(new Uint8Array(all.buffer), from), to).slice().buffer);
    halfWidthTables.set(key, table);
  }
  return table;
}

function convertHalfWidth(bytes: Uint8Array, from: 'F16' | 'BF16', to: 'F16' | 'BF16'): Uint8Array {
  const halves = new Uint16Array(bytes.length / 2);
  new Uint8Array(halves.buffer).set(bytes);
  const table = halfWidthTable(from, to);
  for (let i = 0; i < halves.length; i++) halves[i] = table[halves[i]];
  return new Uint8Array(halves.buffer);
}

/** Convert raw bytes from one float format to another (via float32, which holds every F16 and BF16 value exactly). */
export function convertFloats(bytes: Uint8Array, from: FloatFormat, to: FloatFormat): Uint8Array {
  if (from === to) return bytes;
  if (from !== 'F32' && to !== 'F32') return convertHalfWidth(bytes, from, to);
  return fromFloat32(decodeFloats(bytes, from), to);
}
