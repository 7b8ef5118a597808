/** IEEE half-precision conversions: ORT gives and takes float16 tensors as raw Uint16 bits. */

/** Largest finite half is 65504; from halfway to the next step (65520) on, values round to infinity. */
const HALF_OVERFLOW = 65520;
const SMALLEST_NORMAL = 2 ** -14;
const SUBNORMAL_STEP = 2 ** -24;
const MANTISSA_STEPS = 1024;
const EXPONENT_BIAS = 15;

export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * SUBNORMAL_STEP;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / MANTISSA_STEPS) * 2 ** (exponent - EXPONENT_BIAS);
}

/** The nearest half-precision value's bits (ties to even), as a float16 cast does. */
export function float32ToFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude >= HALF_OVERFLOW) return sign | 0x7c00;
  // a subnormal that rounds up to 0x400 is exactly the smallest normal: the bits carry over correctly
  if (magnitude < SMALLEST_NORMAL) return sign | roundHalfEven(magnitude / SUBNORMAL_STEP);
  let exponent = Math.floor(Math.log2(magnitude));
  if (magnitude / 2 ** exponent >= 2) exponent += 1;
  if (magnitude / 2 ** exponent < 1) exponent -= 1;
  const mantissa = roundHalfEven((magnitude / 2 ** exponent - 1) * MANTISSA_STEPS);
  // a mantissa rounded up to 1024 carries into the exponent, which the addition below does by itself
  return sign | (((exponent + EXPONENT_BIAS) << 10) + mantissa);
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
