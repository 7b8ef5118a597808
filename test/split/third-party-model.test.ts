/**
 * A model from another source (ONNX's own test data: LayerNormalization expanded into 30 primitive nodes,
 * unnamed, with Constant nodes) split by an explicit node assignment: the cascade equals the whole model, and
 * the test data set's expected outputs.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModel } from '../../src/onnx/read-model.ts';
import { runCascade } from '../../src/runtime/run-cascade.ts';
import { splitModel } from '../../src/split/split-model.ts';
import type { SplitResult } from '../../src/split/types.ts';
import { floatTensorFromPb } from './helpers/tensor-from-pb.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const CASE = '/usr/share/libonnx-testdata/data/node/test_layer_normalization_3d_axis_negative_1_epsilon_expanded';
const DATA = path.join(CASE, 'test_data_set_0');
/** Prefix of every value name the ONNX function expansion wrote. */
const P = 'LayerNormalization_test_layer_normalization_3d_axis_negative_1_epsilon_expanded_function_';
const tempDir = useTempDirs('split-third-party');

describe('a third-party model split by explicit node assignment', () => {
  // Unnamed nodes are addressed by their first output.
  const assignment = { [`${P}X2D`]: 0, [`${P}Mean2D`]: 1, [`${P}StdDev`]: 2, Y: 3 };
  let inputs: Record<string, ort.Tensor>;
  let result: SplitResult;

  beforeAll(async () => {
    inputs = { X: await floatTensorFromPb(path.join(DATA, 'input_0.pb')), W: await floatTensorFromPb(path.join(DATA, 'input_1.pb')), B: await floatTensorFromPb(path.join(DATA, 'input_2.pb')) };
    const outDir = path.join(await tempDir(), 'out');
    result = await splitModel({ modelPath: path.join(CASE, 'model.onnx'), assignment, outDir, validationInputs: inputs, measureMemory: false });
  });

  it('validates: the cascade equals the whole model on the data set inputs', () => {
    expect(result.validation).toMatchObject({ passed: true, mode: 'generic', maxAbsDifference: 0 });
    expect(result.validation?.steps[0].outputs.map((output) => output.name)).toEqual(['Y', 'Mean', 'InvStdDev']);
  });

  it('places the graph outputs with the splits computing them and copies Constant nodes where read', async () => {
    expect(result.splits.map((split) => split.outputs.filter((name) => ['Y', 'Mean', 'InvStdDev'].includes(name)))).toEqual([[], ['Mean'], ['InvStdDev'], ['Y']]);
    const source = (await readModel(path.join(CASE, 'model.onnx'))).model.graph?.node ?? [];
    let placed = 0;
    for (const split of result.splits) {
      const nodes = (await readModel(path.join(result.outDir, split.file))).model.graph?.node ?? [];
      placed += nodes.filter((node) => node.op_type !== 'Constant').length;
      expect(nodes.length).toBe(split.nodes);
    }
    expect(placed).toBe(source.filter((node) => node.op_type !== 'Constant').length);
  });

  it("gives the data set's expected outputs when the splits run as a cascade", async () => {
    const sessions = await Promise.all(result.splits.map((split) => ort.InferenceSession.create(path.join(result.outDir, split.file))));
    try {
      const outputs = await runCascade(sessions, inputs);
      for (const [i, name] of ['Y', 'Mean', 'InvStdDev'].entries()) {
        const expected = (await floatTensorFromPb(path.join(DATA, `output_${i}.pb`))).data as Float32Array;
        const actual = outputs[name].data as Float32Array;
        expect(Math.max(...expected.map((value, k) => Math.abs(value - actual[k]))), name).toBeLessThan(1e-5);
      }
    } finally {
      await Promise.all(sessions.map((session) => session.release()));
    }
  });

  it('validates on fixed inputs made from the input metadata when none are given', async () => {
    const outDir = path.join(await tempDir(), 'out');
    const fixed = await splitModel({ modelPath: path.join(CASE, 'model.onnx'), assignment, outDir, measureMemory: false });
    expect(fixed.validation).toMatchObject({ passed: true, mode: 'generic' });
    expect(fixed.validation?.steps[0].step).toBe('fixed inputs');
  });
});
