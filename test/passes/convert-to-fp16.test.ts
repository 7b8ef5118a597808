import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { decodeFloats, encodeFloats } from '../../src/onnx/float-formats.ts';
import { DataType } from '../../src/onnx/data-types.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import { AttributeType, type ModelProto } from '../../src/onnx/types.ts';
import { convertToFp16 } from '../../src/passes/fp16/convert-to-fp16.ts';
import { f32, floatTensor, intAttr, maxAbs, maxAbsDiff, model, node, randomFloats, runModel, valueInfo } from './onnx-test-models.ts';

const ROWS = 2;
const HIDDEN = 16;

/** LayerNorm → MatMul → Add → Relu → Mul by a Constant and by a float cast of a shape → Softmax. */
function smallFloatModel(): ModelProto {
  return model({
    name: 'fp16-source',
    node: [
      node('LayerNormalization', ['X', 'gamma', 'beta'], ['normed'], { attribute: [intAttr('axis', -1)] }),
      node('MatMul', ['normed', 'W'], ['projected'], { name: 'proj', metadata_props: [{ key: 'module', value: 'proj' }] }),
      node('Add', ['projected', 'bias'], ['biased']),
      node('Relu', ['biased'], ['activated']),
      node('Constant', [], ['half'], { attribute: [{ name: 'value', type: AttributeType.TENSOR, t: floatTensor('', [], Float32Array.of(0.5)) }] }),
      node('Mul', ['activated', 'half'], ['scaled']),
      node('Shape', ['X'], ['shape']),
      node('Cast', ['shape'], ['shapeFloat'], { attribute: [intAttr('to', DataType.FLOAT)] }),
      node('ReduceMean', ['shapeFloat'], ['meanShape']),
      node('Div', ['scaled', 'meanShape'], ['divided']),
      node('ConstantOfShape', ['shape'], ['zeros']),
      node('Add', ['divided', 'zeros'], ['shifted']),
      node('Softmax', ['shifted'], ['Y'], { attribute: [intAttr('axis', -1)] }),
    ],
    initializer: [
      floatTensor('gamma', [HIDDEN], randomFloats(HIDDEN, 21, 1)),
      floatTensor('beta', [HIDDEN], randomFloats(HIDDEN, 22, 0.1)),
      floatTensor('W', [HIDDEN, HIDDEN], randomFloats(HIDDEN * HIDDEN, 23, 0.5)),
      floatTensor('bias', [HIDDEN], randomFloats(HIDDEN, 24, 0.1)),
    ],
    input: [valueInfo('X', DataType.FLOAT, ['batch', HIDDEN])],
    output: [valueInfo('Y', DataType.FLOAT, ['batch', HIDDEN])],
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'olive-fp16-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const x = randomFloats(ROWS * HIDDEN, 25, 2);

async function expectedY(): Promise<Float32Array> {
  const { Y } = await runModel(smallFloatModel(), { X: f32(x, [ROWS, HIDDEN]) });
  return Y.data as Float32Array;
}

describe('convertToFp16', () => {
  it('for CUDA with keepIoTypes: every op in fp16, float32 at the graph edges, output close to fp32', async () => {
    const { model: converted, report } = convertToFp16(smallFloatModel(), { keepIoTypes: true, provider: 'CUDAExecutionProvider' });
    const file = path.join(dir, 'cuda-keep-io.onnx');
    await writeModel(file, converted);
    const written = (await readModel(file)).model;
    expect(written.graph!.input![0].type!.tensor_type!.elem_type).toBe(DataType.FLOAT);
    expect(written.graph!.output![0].type!.tensor_type!.elem_type).toBe(DataType.FLOAT);
    expect(written.graph!.initializer!.every((t) => t.data_type === DataType.FLOAT16)).toBe(true);
    expect(report.fp32Nodes).toEqual({});
    expect(report.initializersConverted).toBe(4);
    const cast = written.graph!.node!.find((n) => n.op_type === 'Cast' && n.input![0] === 'shape')!;
    expect(Number(cast.attribute![0].i)).toBe(DataType.FLOAT16);
    const constant = written.graph!.node!.find((n) => n.op_type === 'Constant')!;
    expect(constant.attribute![0].t!.data_type).toBe(DataType.FLOAT16);
    const zeros = written.graph!.node!.find((n) => n.op_type === 'ConstantOfShape')!;
    expect(zeros.attribute![0].t!.data_type).toBe(DataType.FLOAT16);
    const proj = written.graph!.node!.find((n) => n.name === 'proj')!;
    expect(proj.metadata_props).toEqual([{ key: 'module', value: 'proj' }]);

    const { Y } = await runModel(file, { X: f32(x, [ROWS, HIDDEN]) });
    const expected = await expectedY();
    expect(Y.type).toBe('float32');
    expect(maxAbsDiff(Y.data as Float32Array, expected)).toBeLessThan(2e-3 * Math.max(1, maxAbs(expected)));
  });

  it('for CPU: ops without an fp16 CPU kernel stay float32 behind Casts, fp16 inputs and outputs without keepIoTypes', async () => {
    const { model: converted, report } = convertToFp16(smallFloatModel(), { keepIoTypes: false, provider: 'CPUExecutionProvider' });
    expect(report.fp32Nodes).toMatchObject({ MatMul: 1, Add: 2, Relu: 1, Mul: 1, Softmax: 1 });
    const types = new Map(converted.graph!.initializer!.map((t) => [t.name, t.data_type]));
    expect(types.get('gamma')).toBe(DataType.FLOAT16); // read by LayerNormalization, which has an fp16 CPU kernel
    expect(types.get('W')).toBe(DataType.FLOAT); // read only by MatMul, which has none
    const file = path.join(dir, 'cpu.onnx');
    await writeModel(file, converted);
    const written = (await readModel(file)).model;
    expect(written.graph!.input![0].type!.tensor_type!.elem_type).toBe(DataType.FLOAT16);

    const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'disabled', optimizedModelFilePath: path.join(dir, 'cpu-as-run.onnx') });
    const feed = new ort.Tensor('float16', new Uint16Array(encodeFloats(x, 'F16').buffer), [ROWS, HIDDEN]);
    const { Y } = await session.run({ X: feed });
    await session.release();
    // ORT inserted no Cast of its own: every node it was given has a kernel for the types it was given
    const asRun = (await readModel(path.join(dir, 'cpu-as-run.onnx'))).model;
    expect(asRun.graph!.node!.filter((n) => n.op_type === 'Cast').length).toBe(written.graph!.node!.filter((n) => n.op_type === 'Cast').length);
    expect(Y.type).toBe('float16');
    const got = decodeFloats(new Uint8Array((Y.data as Uint16Array).buffer), 'F16');
    const expected = await expectedY();
    expect(maxAbsDiff(got, expected)).toBeLessThan(5e-3 * Math.max(1, maxAbs(expected)));
  });

  it('refuses control-flow subgraphs, naming the node', () => {
    const withIf = smallFloatModel();
    withIf.graph!.node!.push(node('If', ['cond'], ['z'], { name: 'branch', attribute: [{ name: 'then_branch', type: AttributeType.GRAPH, g: { name: 'then' } }] }));
    expect(() => convertToFp16(withIf)).toThrow(/node 'branch'/);
  });
});
