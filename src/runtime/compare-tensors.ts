/**
 * How far a cascade's tensor is from the whole model's. Splitting can stop ONNX Runtime from fusing operators
 * across a cut, which changes summation order: the tolerances allow that float noise and nothing more.
 */
import type * as ort from 'onnxruntime-node';
import { halfBitsToNumber } from '../onnx/float-formats.ts';
import type { TensorDifference } from './types.ts';

interface Tolerance {
  absolute: number;
  relative: number;
}

/** Float noise allowed per element: |Δ| ≤ absolute + relative·|whole|. Integer and boolean outputs must match exactly. */
export const TOLERANCE: Record<string, Tolerance> = {
  float32: { absolute: 1e-4, relative: 1e-3 },
  float64: { absolute: 1e-9, relative: 1e-9 },
  // half precision holds ~3 decimal digits; a reordered sum of a few hundred terms moves the last one or two
  float16: { absolute: 1e-2, relative: 1e-2 },
};
const EXACT: Tolerance = { absolute: 0, relative: 0 };

export function compareTensors(name: string, whole: ort.Tensor, cascade: ort.Tensor): TensorDifference {
  if (whole.type !== cascade.type || !sameDims(whole.dims, cascade.dims)) {
    return { name, maxAbsDifference: Infinity, withinTolerance: false };
  }
  const tolerance = TOLERANCE[whole.type] ?? EXACT;
  const expected = numbers(whole);
  const actual = numbers(cascade);
  let maxAbsDifference = 0;
  let withinTolerance = true;
  for (let i = 0; i < expected.length; i += 1) {
    const difference = Math.abs(expected[i] - actual[i]);
    const bothNaN = Number.isNaN(expected[i]) && Number.isNaN(actual[i]);
    if (bothNaN || expected[i] === actual[i]) continue;
    maxAbsDifference = Math.max(maxAbsDifference, Number.isNaN(difference) ? Infinity : difference);
    if (!(difference <= tolerance.absolute + tolerance.relative * Math.abs(expected[i]))) withinTolerance = false;
  }
  return { name, maxAbsDifference, withinTolerance };
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

function numbers(tensor: ort.Tensor): ArrayLike<number> {
  const data = tensor.data;
  if (tensor.type === 'float16') return Array.from(data as Uint16Array, halfBitsToNumber);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, Number);
  return data as ArrayLike<number>;
}
