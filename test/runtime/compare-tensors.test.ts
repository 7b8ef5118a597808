import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compareTensors } from '../../src/runtime/compare-tensors.ts';
import { halfBitsToNumber, numberToHalfBits } from '../../src/onnx/float-formats.ts';

describe('compareTensors', () => {
  const f32 = (values: number[], dims = [values.length]) => new ort.Tensor('float32', Float32Array.from(values), dims);
  const f16 = (values: number[]) => new ort.Tensor('float16', Uint16Array.from(values, numberToHalfBits), [values.length]);

  it('reports the largest absolute difference and whether it is float noise', () => {
    expect(compareTensors('t', f32([1, 2, 3]), f32([1, 2, 3]))).toEqual({ name: 't', maxAbsDifference: 0, withinTolerance: true });
    expect(compareTensors('t', f32([1, 2, 3]), f32([1, 2.000001, 3])).withinTolerance).toBe(true);
    expect(compareTensors('t', f32([1, 2, 3]), f32([1, 2.5, 3]))).toEqual({ name: 't', maxAbsDifference: 0.5, withinTolerance: false });
  });

  it('decodes half-precision values and treats a shape mismatch as a failure', () => {
    expect(compareTensors('h', f16([0.5, -2, 1000]), f16([0.5, -2, 1000])).maxAbsDifference).toBe(0);
    expect(compareTensors('h', f16([1]), f16([1.5])).maxAbsDifference).toBe(0.5);
    expect(compareTensors('t', f32([1, 2], [2]), f32([1, 2], [1, 2])).withinTolerance).toBe(false);
  });

  it('converts to half precision exactly: every finite half round-trips and midpoints round to even', () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x7c00; bits += 1) {
      const value = halfBitsToNumber(bits);
      if (numberToHalfBits(value) !== bits || numberToHalfBits(-value) !== (bits | 0x8000)) mismatches.push(bits);
      if (bits === 0x7bff) continue;
      const midpoint = (value + halfBitsToNumber(bits + 1)) / 2;
      if (numberToHalfBits(midpoint) !== (bits % 2 === 0 ? bits : bits + 1)) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
    expect([65519, 65520, 1e-9].map(numberToHalfBits)).toEqual([0x7bff, 0x7c00, 0]);
  });
});
