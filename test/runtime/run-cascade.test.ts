import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/onnx/proto.ts';
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
