import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType } from '../../src/onnx/data-types.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import type { ModelProto } from '../../src/onnx/types.ts';
import { optimizeOnnxModel } from '../../src/passes/optimize-onnx-model.ts';
import { optimizeWithOrt } from '../../src/passes/optimize/optimize-with-ort.ts';
import { compareOutputs } from '../../src/passes/verify/compare-outputs.ts';
import { syntheticFeeds } from '../../src/passes/verify/synthetic-feeds.ts';
import { floatTensor, intsAttr, model, node, randomFloats, valueInfo } from './onnx-test-models.ts';

const HIDDEN = 64;
const FF = 96;

/** An MLP block with things an optimizer removes or fuses: Identity, a foldable constant subgraph, MatMul + Add. */
function mlpModel(): ModelProto {
  return model({
    name: 'mlp',
    node: [
      node('Identity', ['X'], ['x'], { name: 'identity' }),
      node('MatMul', ['x', 'W1'], ['h'], { name: '/model/layers.0/mlp/up_proj/MatMul' }),
      node('Add', ['h', 'b1'], ['hb'], { name: 'up_bias' }),
      node('Relu', ['hb'], ['a'], { name: 'act' }),
      node('Transpose', ['W2'], ['W2t'], { name: 'w2_t', attribute: [intsAttr('perm', [1, 0])] }),
      node('MatMul', ['a', 'W2t'], ['down'], { name: '/model/layers.0/mlp/down_proj/MatMul', metadata_props: [{ key: 'module', value: 'model.layers.0.mlp.down_proj' }] }),
      node('Add', ['scaleA', 'scaleB'], ['scale'], { name: 'fold_me' }),
      node('Mul', ['down', 'scale'], ['Y'], { name: 'out_scale' }),
    ],
    initializer: [
      floatTensor('W1', [HIDDEN, FF], randomFloats(HIDDEN * FF, 31, 0.2)),
      floatTensor('b1', [FF], randomFloats(FF, 32, 0.1)),
      floatTensor('W2', [HIDDEN, FF], randomFloats(HIDDEN * FF, 33, 0.2)),
      floatTensor('scaleA', [1], Float32Array.of(0.25)),
      floatTensor('scaleB', [1], Float32Array.of(0.75)),
    ],
    input: [valueInfo('X', DataType.FLOAT, ['batch', 'sequence', HIDDEN])],
    output: [valueInfo('Y', DataType.FLOAT, ['batch', 'sequence', HIDDEN])],
  });
}

let dir: string;
let source: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'olive-optimize-'));
  source = path.join(dir, 'source', 'model.onnx');
  await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(source)));
  await writeModel(source, mlpModel());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('optimizeWithOrt', () => {
  for (const level of ['basic', 'extended'] as const) {
    it(`${level}: writes a smaller graph with external data whose outputs equal the original's`, async () => {
      const out = path.join(dir, `ort-${level}`, 'optimized.onnx');
      await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(out)));
      const result = await optimizeWithOrt(source, out, { level });
      expect(result.dataPath).toBe(`${out}.data`);
      const optimized = (await readModel(out)).model;
      expect(optimized.graph!.node!.length).toBeLessThan(mlpModel().graph!.node!.length);
      expect(optimized.graph!.node!.map((n) => n.op_type)).not.toContain('Identity');
      const differences = await compareOutputs(source, out, syntheticFeeds(mlpModel()));
      expect(differences).toHaveLength(1);
      expect(differences[0].maxAbsReference).toBeGreaterThan(0);
      expect(differences[0].maxAbsDiff).toBeLessThanOrEqual(1e-6 * differences[0].maxAbsReference);
    });
  }

  it("refuses 'all', which bakes in CPU layouts", async () => {
    await expect(optimizeWithOrt(source, path.join(dir, 'x.onnx'), { level: 'all' as never })).rejects.toThrow(/'all' is not offered/);
  });
});

describe('optimizeOnnxModel', () => {
  it('fp32: ORT-optimized model in outDir, outputs equal the original, no scratch left', async () => {
    const outDir = path.join(dir, 'fp32');
    const report = await optimizeOnnxModel(source, outDir, { precision: 'fp32' });
    expect(report.modelPath).toBe(path.join(outDir, 'model.onnx'));
    expect(report.nodes.output).toBeLessThan(report.nodes.input);
    expect(report.verification![0].maxAbsDiff).toBeLessThanOrEqual(1e-6 * report.verification![0].maxAbsReference);
    expect((await readdir(outDir)).sort()).toEqual(['model.onnx', 'model.onnx.data']);
  });

  for (const precision of ['int4', 'int8'] as const) {
    it(`${precision}: both projections become MatMulNBits, names kept, weights shrink, outputs stay close`, async () => {
      const outDir = path.join(dir, precision);
      const report = await optimizeOnnxModel(source, outDir, { precision, threads: 2 });
      expect(report.quantize!.quantized.count).toBe(2);
      expect(report.quantize!.throughput.weights).toBe(2);
      const written = (await readModel(report.modelPath)).model;
      const nbits = written.graph!.node!.filter((n) => n.op_type === 'MatMulNBits');
      // ORT fused the down projection with the scale after it (FusedMatMul, alpha folded into the weights)
      expect(report.quantize!.quantized.nodes.map((q) => q.pattern)).toEqual(['matmul', 'fused-matmul']);
      expect(nbits.map((n) => n.name)).toEqual(['/model/layers.0/mlp/up_proj/MatMul', '/model/layers.0/mlp/down_proj/MatMul/MatMulScaleFusion/']);
      // …and dropped node metadata, which was restored from the original node the fused one is named after
      expect(nbits[1].metadata_props).toEqual([{ key: 'module', value: 'model.layers.0.mlp.down_proj' }]);
      expect(report.weightBytes.output).toBeLessThan(report.weightBytes.input / (precision === 'int4' ? 5 : 3));
      const [difference] = report.verification!;
      expect(difference.maxAbsDiff).toBeGreaterThan(0);
      expect(difference.maxAbsDiff).toBeLessThan((precision === 'int4' ? 0.15 : 0.02) * difference.maxAbsReference);
    });
  }

  it('fp16 with keepIoTypes: runs and stays close', async () => {
    const report = await optimizeOnnxModel(source, path.join(dir, 'fp16'), { precision: 'fp16', keepIoTypes: true, provider: 'CUDAExecutionProvider' });
    expect(report.fp16!.fp32Nodes).toEqual({});
    const [difference] = report.verification!;
    expect(difference.maxAbsDiff).toBeLessThan(5e-3 * difference.maxAbsReference);
    expect(report.weightBytes.output).toBeLessThan(report.weightBytes.input * 0.55);
  });

  it('names the missing input file', async () => {
    await expect(optimizeOnnxModel(path.join(dir, 'nope.onnx'), path.join(dir, 'nope'), { precision: 'fp32' })).rejects.toThrow(/nope\.onnx/);
    expect(existsSync(path.join(dir, 'nope'))).toBe(false);
  });
});
