/** auto-opt's command line: usage errors, refusals, one-line failures, dry runs, and output-folder safety. */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOlive as olive } from './run-olive.ts';
import type { AutoOptResult } from '../../src/pipeline/result.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const FIXTURE = path.resolve('fixtures/tiny-llama');

const tempDir = useTempDirs('olive-cli');
let work: string;
beforeAll(async () => {
  work = await tempDir();
});

describe('usage errors exit 2 with a usage line', () => {
  it('an unknown flag', async () => {
    const run = await olive(['auto-opt', '-m', FIXTURE, '--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--frobnicate'");
    expect(run.stderr).toContain('usage: olive auto-opt');
  });

  it('a known Olive flag that olive-node refuses, with the reason', async () => {
    const run = await olive(['auto-opt', '-m', FIXTURE, '--trust_remote_code']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --trust_remote_code is not supported by olive-node: .+\n$/);
  });

  it('a precision Olive knows but olive-node does not build', async () => {
    const run = await olive(['auto-opt', '-m', FIXTURE, '--precision', 'nf4']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--precision nf4 is not supported');
  });

  it('a flag given where it cannot act (memory-plan flags without --memory, quantization flags at fp32)', async () => {
    const plan = await olive(['auto-opt', '-m', FIXTURE, '--num-splits', '2', '--split-granularity', 'layer', '--dry_run']);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('--split-granularity shapes a memory plan');
    const quant = await olive(['auto-opt', '-m', FIXTURE, '--zero-points', '--dry_run']);
    expect(quant.code).toBe(2);
    expect(quant.stderr).toContain('--zero-points applies to int4/int8 quantization');
    const layout = await olive(['auto-opt', '-m', FIXTURE, '--num-splits', '2', '--layout', 'transformers.js', '--dry_run']);
    expect(layout.code).toBe(2);
    expect(layout.stderr).toBe('error: --layout names the files of an unsplit output; a split output is laid out as Olive lays it out (split_0.onnx …)\n');
    const unknown = await olive(['auto-opt', '-m', FIXTURE, '--layout', 'hub', '--dry_run']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("argument 'hub' is invalid. Allowed choices are olive, transformers.js.");
  });

  it('--num-splits and --cost-model together', async () => {
    const run = await olive(['auto-opt', '-m', FIXTURE, '--num-splits', '2', '--cost-model', 'x.csv', '--memory', '1GB']);
    expect(run.code).toBe(2);
  });
});

describe('failures print one line and exit 1', () => {
  it("--cost-model without --memory gives Olive's message", async () => {
    const run = await olive(['auto-opt', '-m', FIXTURE, '--cost-model', 'x.csv']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: memory is required if cost_model is provided.\n');
  });

  it('a memory string that is not a size', async () => {
    const run = await olive(['auto-opt', '-m', FIXTURE, '--memory', 'lots', '--dry_run']);
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('lots');
  });

  it('a model folder that does not exist, and the stack only with --log_level 0', async () => {
    const missing = path.join(work, 'no-such-model');
    const quiet = await olive(['auto-opt', '-m', missing, '-o', path.join(work, 'o1')]);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr.trim().split('\n')).toHaveLength(1);
    const loud = await olive(['auto-opt', '-m', missing, '-o', path.join(work, 'o1'), '--log_level', '0']);
    expect(loud.code).toBe(1);
    expect(loud.stderr).toContain('    at ');
  });

  it('more layers asked for than the model has', async () => {
    const run = await olive(['auto-opt', '-m', FIXTURE, '--num-splits', '9', '--dry_run']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('--num-splits');
  });
});

describe('output folders', () => {
  it('an existing output folder is left untouched without --force', async () => {
    const out = path.join(work, 'existing');
    await mkdir(out);
    await writeFile(path.join(out, 'keep.txt'), 'mine');
    const run = await olive(['auto-opt', '-m', FIXTURE, '--num-splits', '2', '-o', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--force');
    expect(await readdir(out)).toEqual(['keep.txt']);
    expect(await readFile(path.join(out, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('--dry_run plans without writing, and --json prints one document', async () => {
    const out = path.join(work, 'dry');
    const run = await olive(['auto-opt', '-m', FIXTURE, '--memory', '200KB', '--dry_run', '--json', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as AutoOptResult;
    expect(result.dry_run).toBe(true);
    // the plan's splits, in the shape the planner's JSON promises
    expect(result.splits.length).toBeGreaterThan(0);
    expect(Object.keys(result.splits[0])).toEqual(expect.arrayContaining(['index', 'modules', 'layers', 'weight_bytes', 'runtime_bytes', 'flops_per_token']));
    expect(result.splits[0].file).toBeUndefined();
    expect(existsSync(out)).toBe(false);
    expect((await readdir(work)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('--save_config_file writes the resolved run configuration, even on a dry run', async () => {
    const out = path.join(work, 'saved-config');
    const run = await olive(['auto-opt', '-m', FIXTURE, '--num-splits', '2', '--dry_run', '--save_config_file', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const saved = JSON.parse(await readFile(path.join(out, 'auto-opt-config.json'), 'utf8'));
    expect(saved.options.split).toEqual({ method: 'num-splits', numSplits: 2 });
    expect(saved.plan.splits).toHaveLength(2);
    expect(await readdir(out)).toEqual(['auto-opt-config.json']);
  });

  it('without split flags writes one model that loads, with its genai_config and tokenizer', async () => {
    const out = path.join(work, 'whole');
    const run = await olive(['auto-opt', '-m', FIXTURE, '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const files = await readdir(out);
    expect(files).toEqual(expect.arrayContaining(['model.onnx', 'genai_config.json', 'tokenizer.json']));
    expect((await readdir(work)).filter((name) => name.startsWith('.olive-work'))).toEqual([]);
  });

  it('an ONNX model given with -m is split by its node names too', async () => {
    const whole = path.join(work, 'whole', 'model.onnx');
    const out = path.join(work, 'onnx-split');
    const run = await olive(['auto-opt', '-m', whole, '--num-splits', '2', '-o', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as AutoOptResult;
    expect(result.model.kind).toBe('onnx');
    expect(result.splits).toHaveLength(2);
    expect(result.validation?.passed).toBe(true);
  });
});
