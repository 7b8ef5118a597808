/**
 * The three command lines of Olive's model-splitting announcement, unchanged but for the model: the tiny phi3
 * long-rope fixture stands in for microsoft/Phi-3.5-mini-instruct.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOlive as olive } from '../cli/run-olive.ts';
import type { AutoOptResult } from '../../src/pipeline/result.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const FIXTURE = path.resolve('fixtures/tiny-phi3');



const tempDir = useTempDirs('olive-blog');
let work: string;
beforeAll(async () => {
  work = await tempDir();
});

describe('the blog commands on the tiny phi3 fixture', () => {
  it('generate-cost-model -p fp16 writes the cost table and prints the total', async () => {
    const csv = path.join(work, 'phi-3.5-cost.csv');
    const run = await olive(['generate-cost-model', '-m', FIXTURE, '-p', 'fp16', '-o', csv]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Total: \d+ bytes/);
    const lines = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('module,num_params,num_bytes,num_flops');
    expect(lines.some((line) => line.startsWith('lm_head,'))).toBe(true);
  });

  it('auto-opt --num-splits 2 writes two validated splits and both manifests', async () => {
    const out = path.join(work, 'models', 'phi-nsplit');
    const run = await olive([
      'auto-opt', '-m', FIXTURE, '--precision', 'fp16', '--provider', 'CUDAExecutionProvider', '--num-splits', '2', '-o', out, '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as AutoOptResult;
    expect(result.splits).toHaveLength(2);
    expect(result.validation?.passed).toBe(true);
    // built for CUDA on a machine without it: checked on CPU, and the report says so
    expect(result.validation?.provider).toBe('CPUExecutionProvider');
    const files = await readdir(out);
    expect(files).toEqual(expect.arrayContaining(['split_0.onnx', 'split_0.onnx.data', 'split_1.onnx', 'model_config.json', 'genai_config.json', 'split_plan.json']));
    // converted straight into the splits, validated as a stage of its own against a check model that is not published
    expect(result.stages.map((stage) => stage.stage)).toEqual(['load', 'plan', 'convert', 'split', 'validate']);
    expect(files.filter((name) => name.endsWith('.onnx'))).toEqual(['split_0.onnx', 'split_1.onnx']);
    expect(files.filter((name) => name.endsWith('.data'))).toEqual(['split_0.onnx.data', 'split_1.onnx.data']);
    const composite = JSON.parse(await readFile(path.join(out, 'model_config.json'), 'utf8'));
    expect(composite.type).toBe('CompositeModel');
    expect(composite.config.model_component_names).toEqual(['split_0', 'split_1']);
    const genai = JSON.parse(await readFile(path.join(out, 'genai_config.json'), 'utf8'));
    expect(genai.model.type).toBe('decoder-pipeline');
    expect(genai.model.decoder.pipeline).toHaveLength(2);
  });

  it('auto-opt --memory with --cost-model forces 3 or more validated splits, each within the budget', async () => {
    const out = path.join(work, 'models', 'phi-costsplit');
    const csv = path.join(work, 'phi-3.5-cost.csv');
    const run = await olive([
      'auto-opt', '-m', FIXTURE, '--precision', 'fp16', '--provider', 'CUDAExecutionProvider', '--memory', '100KB', '--cost-model', csv, '-o', out, '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    // --json writes the validation report in snake_case, like the plan
    const result = JSON.parse(run.stdout) as Omit<AutoOptResult, 'validation'> & { validation: { passed: boolean; max_abs_difference: number } };
    expect(result.plan?.method).toBe('memory');
    expect(result.splits.length).toBeGreaterThanOrEqual(3);
    for (const split of result.splits) expect(split.weight_bytes).toBeLessThanOrEqual(100_000);
    expect(result.validation?.passed).toBe(true);
    // fp16: a value cut at a split boundary is rounded to fp16 where the whole graph may keep a fused intermediate
    expect(result.validation?.max_abs_difference).toBeLessThan(1e-2);
    expect(result.splits.every((split) => split.file_bytes !== undefined && split.measured_peak_rss_bytes !== undefined)).toBe(true);
    const plan = JSON.parse(await readFile(path.join(out, 'split_plan.json'), 'utf8'));
    expect(plan.splits).toHaveLength(result.splits.length);
  });
});
