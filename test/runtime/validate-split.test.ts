import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModel } from '../../src/onnx/read-model.ts';
import { getTensorSource, readSource, setTensorSource } from '../../src/onnx/tensor-source.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import { formatValidationReport } from '../../src/runtime/format-validation-report.ts';
import { validateSplit } from '../../src/runtime/validate-split.ts';
import { splitModel } from '../../src/split/split-model.ts';
import { SplitValidationError } from '../../src/split/split-validation-error.ts';
import type { SplitResult } from '../../src/split/types.ts';
import { handPlan } from '../split/helpers/hand-plan.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';
import { SMALL_DECODER, writeTorchExportDecoder } from '../split/helpers/torch-export-decoder.ts';

const tempDir = useTempDirs('validate-split');
const MB = 1_000_000;
const plan = handPlan([['model.embed_tokens', 'model.layers.0'], ['model.layers.1'], ['model.layers.2', 'model.norm', 'lm_head']], SMALL_DECODER.layers, {
  runtimeBytes: 40 * MB,
  budgetBytes: 200 * MB,
});
let modelPath: string;
let splitDir: string;

beforeAll(async () => {
  modelPath = await writeTorchExportDecoder(await tempDir());
  splitDir = path.join(await tempDir(), 'split');
  await splitModel({ modelPath, plan, outDir: splitDir, validate: false });
});

describe('validateSplit', () => {
  it('measures each split in a child process and sets it beside the plan estimate and the budget', async () => {
    const report = await validateSplit({ wholeModelPath: modelPath, splitDir });
    expect(report.passed).toBe(true);
    expect(report.budgetBytes).toBe(200 * MB);
    expect(report.baselineRssBytes).toBeGreaterThan(10 * MB);
    expect(report.memory?.map((split) => [split.file, split.estimateBytes])).toEqual([0, 1, 2].map((i) => [`split_${i}.onnx`, 40 * MB]));
    for (const split of report.memory ?? []) expect(split.peakRssBytes).toBeGreaterThan(0);
    const text = formatValidationReport(report);
    // no context length in the plan: measured on the checked prefill, and said so
    expect(report.memoryRun?.tokens).toBe(5);
    expect(text).toMatch(/memory per split, each in its own child process: a prefill of 5 tokens \(the plan gives no context length\); above the child's [\d.]+ MB before loading/);
    expect(text).toMatch(/ONNX Runtime's fixed overhead: [\d.]+ MB, measured (now|once) on this machine from an empty session/);
    expect(text).toMatch(/split_2\.onnx\s+[\d.]+ [KMG]?B\s+40\.00 MB\s+[\d.]+\s+(within|OVER) \(\d+%\)/);
    expect(text).toContain('PASSED');
  });

  it('fails when a split computes something else than the whole model', async () => {
    const tampered = path.join(await tempDir(), 'split');
    await splitModel({ modelPath, plan, outDir: tampered, validate: false });
    await scaleWeight(path.join(tampered, 'split_1.onnx'), 'model.layers.1.mlp.down_proj.weight', 1.01);
    const report = await validateSplit({ wholeModelPath: modelPath, splitDir: tampered, measureMemory: false });
    expect(report.passed).toBe(false);
    expect(report.maxAbsDifference).toBeGreaterThan(1e-4);
    const failing = report.steps[0].outputs.filter((output) => !output.withinTolerance).map((output) => output.name);
    expect(failing).toContain('logits');
    expect(failing).not.toContain('present.0.key');
    expect(formatValidationReport(report)).toMatch(/FAILED/);
    const error = new SplitValidationError({ outDir: tampered } as SplitResult, report);
    expect(error.message).toMatch(new RegExp(`^split for '${tampered}' failed validation, so it was not published: logits differs from the unsplit model's by up to [\\d.e-]+ at prefill \\(5 tokens\\)`));
  });

  it('checks a CUDA-targeted split on CPU when CUDA is missing, and says so', async () => {
    const report = await validateSplit({ wholeModelPath: modelPath, splitDir, provider: 'CUDAExecutionProvider', measureMemory: false });
    expect(report).toMatchObject({ requestedProvider: 'CUDAExecutionProvider', provider: 'CPUExecutionProvider', passed: true });
    expect(report.notChecked[0]).toMatch(/^CUDAExecutionProvider: not available here/);
    expect(formatValidationReport(report)).toContain('CUDAExecutionProvider requested, ran on CPUExecutionProvider');
  });

  it('names the folder when it holds no split model, and refuses component files outside it', async () => {
    const folder = await tempDir();
    await expect(validateSplit({ wholeModelPath: modelPath, splitDir: folder })).rejects.toThrow(`split folder '${folder}' has no model_config.json`);
    const config = { type: 'CompositeModel', config: { model_components: [{ type: 'ONNXModel', config: { model_path: '.', onnx_file_name: '../model.onnx' } }] } };
    await writeFile(path.join(folder, 'model_config.json'), JSON.stringify(config));
    await expect(validateSplit({ wholeModelPath: modelPath, splitDir: folder })).rejects.toThrow(/onnx_file_name is not a file name in the folder/);
  });
});

async function scaleWeight(file: string, name: string, factor: number): Promise<void> {
  const { model } = await readModel(file);
  const tensor = model.graph?.initializer?.find((t) => t.name === name);
  if (!tensor) throw new Error(`${file} has no initializer ${name}`);
  const bytes = await readSource(getTensorSource(tensor)!);
  const values = new Float32Array(bytes.slice().buffer).map((value) => value * factor);
  setTensorSource(tensor, { kind: 'bytes', bytes: new Uint8Array(values.buffer) });
  await writeModel(file, model);
}
