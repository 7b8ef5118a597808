/**
 * Validation runs on the staged output before it is published (#16): while it runs, the earlier output is still
 * in place; when it fails, the earlier output is left as it was and nothing is left beside it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runOlive as olive } from '../cli/run-olive.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const seen = vi.hoisted(() => ({ splitDirs: [] as string[], outputAtValidation: [] as string[][], fail: false }));

vi.mock('../../src/runtime/validate-split.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/runtime/validate-split.ts')>();
  return {
    ...real,
    validateSplit: async (options: Parameters<typeof real.validateSplit>[0]) => {
      const report = await real.validateSplit({ ...options, measureMemory: false });
      seen.splitDirs.push(options.splitDir);
      const out = path.join(path.dirname(options.splitDir), 'out');
      seen.outputAtValidation.push(existsSync(out) ? (await readdir(out)).sort() : []);
      return seen.fail ? { ...report, passed: false, notChecked: ['forced failure for the test', ...report.notChecked] } : report;
    },
  };
});

const FIXTURE = path.resolve('fixtures/tiny-llama');
const tempDir = useTempDirs('olive-validate-first');

describe('auto-opt validates the staged split before publishing it', () => {
  it('a failed validation leaves the earlier output whole (with --force) and nothing beside it', async () => {
    const parent = await tempDir();
    const out = path.join(parent, 'out');
    await mkdir(out);
    await writeFile(path.join(out, 'earlier.txt'), 'the good output');
    seen.fail = true;
    const run = await olive(['auto-opt', '-m', FIXTURE, '-o', out, '--num-splits', '2', '--force']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: split for '.+out' failed validation, so it was not published: forced failure for the test/);
    expect(seen.splitDirs.at(-1)).toMatch(/\.out\.staging-\d+-/);
    expect(seen.outputAtValidation.at(-1)).toEqual(['earlier.txt']);
    expect(await readdir(out)).toEqual(['earlier.txt']);
    expect(await readFile(path.join(out, 'earlier.txt'), 'utf8')).toBe('the good output');
    expect(await readdir(parent)).toEqual(['out']);
  });

  it('a passing validation publishes the validated split in place of the earlier output', async () => {
    const parent = await tempDir();
    const out = path.join(parent, 'out');
    await mkdir(out);
    await writeFile(path.join(out, 'earlier.txt'), 'old');
    seen.fail = false;
    const run = await olive(['auto-opt', '-m', FIXTURE, '-o', out, '--num-splits', '2', '--force']);
    expect(run.code).toBe(0);
    expect(seen.outputAtValidation.at(-1)).toEqual(['earlier.txt']);
    expect(await readdir(out)).toContain('split_0.onnx');
    expect(existsSync(path.join(out, 'earlier.txt'))).toBe(false);
    expect(await readdir(parent)).toEqual(['out']);
  });
});
