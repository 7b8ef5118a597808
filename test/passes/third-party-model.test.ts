/**
 * Real third-party models (PyTorch exports from the ONNX test data, IR 3, opset 6): a Linear exported as Gemm with
 * transB and bias, and one exported as Transpose + MatMul. Quantized, they still load and run, within the error
 * that round-to-nearest allows.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { decodeTensor, int64ToNumber } from '../../src/onnx/proto.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import { quantizeWeights } from '../../src/passes/quantize/quantize-weights.ts';
import { maxAbs, maxAbsDiff } from './onnx-test-models.ts';

const TEST_DATA = '/usr/share/libonnx-testdata/data/pytorch-converted';

async function floatTensorFile(file: string): Promise<ort.Tensor> {
  const tensor = decodeTensor(await readFile(file));
  const raw = tensor.raw_data!;
  const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return new ort.Tensor('float32', values, (tensor.dims ?? []).map((d) => int64ToNumber(d)));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'olive-third-party-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(TEST_DATA))('third-party PyTorch Linear models', () => {
  for (const [name, pattern] of [['test_Linear', 'gemm'], ['test_Linear_no_bias', 'matmul-transpose']] as const) {
    for (const bits of [4, 8] as const) {
      it(`${name} (${pattern}) quantized to ${bits} bits still runs, outputs within the rounding bound`, async () => {
        const folder = path.join(TEST_DATA, name);
        const { model } = await readModel(path.join(folder, 'model.onnx'));
        const weight = model.graph!.initializer!.find((t) => t.name === '1')!;
        const weightValues = new Float32Array(new Uint8Array(weight.raw_data!).buffer);
        const result = await quantizeWeights(model, { bits, threads: 1, accuracyLevel: 0 });
        const file = path.join(dir, `${name}-${bits}.onnx`);
        await writeModel(file, result.model);
        await result.close();
        expect(result.report.quantized.nodes.map((q) => q.pattern)).toEqual([pattern]);

        const input = await floatTensorFile(path.join(folder, 'test_data_set_0', 'input_0.pb'));
        const expected = await floatTensorFile(path.join(folder, 'test_data_set_0', 'output_0.pb'));
        const session = await ort.InferenceSession.create(file);
        const output = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
        await session.release();
        expect(output.dims).toEqual(expected.dims);
        // |error| ≤ Σ_k |a_k|·(scale/2) per output, scale ≤ max|W|/2^(bits−1)
        const [rows, k] = input.dims as number[];
        const a = input.data as Float32Array;
        const rowAbsSum = Math.max(...Array.from({ length: rows }, (_, r) => a.subarray(r * k, r * k + k).reduce((s, v) => s + Math.abs(v), 0)));
        const bound = (rowAbsSum * maxAbs(weightValues)) / 2 ** bits + 1e-5;
        const error = maxAbsDiff(output.data as Float32Array, expected.data as Float32Array);
        expect(error).toBeLessThanOrEqual(bound);
        expect(error).toBeGreaterThan(0); // the weights really changed
      });
    }
  }
});
