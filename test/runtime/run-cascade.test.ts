import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/onnx/proto.ts';
import { compareTensors } from '../../src/runtime/compare-tensors.ts';
import { float16BitsToNumber, float32ToFloat16Bits } from '../../src/runtime/float16.ts';
import { runCascade } from '../../src/runtime/run-cascade.ts';
import { floatInfo, node } from '../split/helpers/tiny-graphs.ts';

async function session(nodes: ReturnType<typeof node>[], inputs: string[], outputs: string[]): Promise<ort.InferenceSession> {
  const graph = { name: 'g', node: nodes, input: inputs.map((name) => floatInfo(name, [2])), output: outputs.map((name) => floatInfo(name, [2])) };
  return ort.InferenceSession.create(encodeModel({ ir_version: 10, opset_import: [{ domain: '', version: 21 }], graph }));
}

describe('runCascade', () => {
  let sessions: ort.InferenceSession[];
  beforeAll(async () => {
    // split 0: x → h = x + x; split 1: reads x and h → y = h · x
    sessions = [await session([node('a', 'Add', ['x', 'x'], ['h'])], ['x'], ['h']), await session([node('b', 'Mul', ['h', 'x'], ['y'])], ['h', 'x'], ['y'])];
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.release()));
  });

  it('feeds each split the graph inputs and earlier outputs it names', async () => {
    const outputs = await runCascade(sessions, { x: new ort.Tensor('float32', Float32Array.from([1, 3]), [2]) });
    expect(Array.from(outputs.y.data as Float32Array)).toEqual([2, 18]);
  });

  it('names the split and the tensor nobody provides', async () => {
    await expect(runCascade(sessions.slice(1), { x: new ort.Tensor('float32', Float32Array.from([1, 3]), [2]) })).rejects.toThrow(
      "split 0 reads 'h', which neither the inputs nor an earlier split provide",
    );
  });
});

describe('compareTensors', () => {
  const f32 = (values: number[], dims = [values.length]) => new ort.Tensor('float32', Float32Array.from(values), dims);
  const f16 = (values: number[]) => new ort.Tensor('float16', Uint16Array.from(values, float32ToFloat16Bits), [values.length]);

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
      const value = float16BitsToNumber(bits);
      if (float32ToFloat16Bits(value) !== bits || float32ToFloat16Bits(-value) !== (bits | 0x8000)) mismatches.push(bits);
      if (bits === 0x7bff) continue;
      const midpoint = (value + float16BitsToNumber(bits + 1)) / 2;
      if (float32ToFloat16Bits(midpoint) !== (bits % 2 === 0 ? bits : bits + 1)) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
    expect([65519, 65520, 1e-9].map(float32ToFloat16Bits)).toEqual([0x7bff, 0x7c00, 0]);
  });
});
