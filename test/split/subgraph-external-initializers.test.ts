/**
 * Type inference for split boundaries opens a weightless copy of the model from memory, where no external data
 * file can be found: initializers inside If branches (Phi-3's rotary caches after ORT optimization) are inlined.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/onnx/data-types.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import type { GraphProto, ModelProto } from '../../src/onnx/types.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import { describeValues } from '../../src/split/infer-value-types.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';
import { floatInfo, floatTensor } from './helpers/tiny-graphs.ts';

const tempDir = useTempDirs('olive-subgraph-external');

function cacheBranch(name: string, value: number): GraphProto {
  return { name, initializer: [floatTensor(`${name}/cache`, [4, 8], Array(32).fill(value))], output: [floatInfo(`${name}/cache`, [4, 8])] };
}

function modelWithCacheBranches(): ModelProto {
  const graph: GraphProto = {
    name: 'g',
    node: [
      { name: 'choose', op_type: 'If', input: ['long'], output: ['cache'], attribute: [
        { name: 'then_branch', type: 5, g: cacheBranch('large', 2) },
        { name: 'else_branch', type: 5, g: cacheBranch('small', 1) },
      ] },
      { name: 'use', op_type: 'Add', input: ['cache', 'x'], output: ['y'] },
    ],
    input: [{ name: 'long', type: { tensor_type: { elem_type: DataType.BOOL, shape: { dim: [] } } } }, floatInfo('x', [4, 8])],
    output: [floatInfo('y', [4, 8])],
  };
  return { ir_version: 10, opset_import: [{ domain: '', version: 21 }], graph };
}

describe('describeValues on a model whose If branches keep their initializers in external data', () => {
  it('infers the type of the If output', async () => {
    const file = path.join(await tempDir(), 'model.onnx');
    await writeModel(file, modelWithCacheBranches(), { externalThresholdBytes: 16 });
    const { model } = await readModel(file);
    const branch = model.graph!.node![0].attribute![0].g!;
    expect(branch.initializer![0].data_location).toBe(1);
    const { infos } = await describeValues(model, ['cache']);
    expect(infos.get('cache')?.type?.tensor_type).toEqual({ elem_type: DataType.FLOAT, shape: { dim: [{ dim_value: 4 }, { dim_value: 8 }] } });
  });
});
