/**
 * --budget-covers runtime (#12): a split measured over the budget fails the run with exit 1 and one line naming the
 * split, its figures and the budget these splits fit, before anything is published: the earlier output stays.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runOlive as olive } from '../cli/run-olive.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const measured = vi.hoisted(() => ({ peaks: [] as number[] }));

vi.mock('../../src/runtime/validate-split.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/runtime/validate-split.ts')>();
  return {
    ...real,
    validateSplit: async (options: Parameters<typeof real.validateSplit>[0]) => {
      const report = await real.validateSplit({ ...options, measureMemory: false });
      const memory = report.splitFiles.map((file, index) => ({
        index, file: path.basename(file), peakRssBytes: measured.peaks[index] ?? 0, weightsAsLoadedBytes: 0,
        estimateBytes: options.plan?.splits[index]?.runtime_bytes, estimateWeightsAsLoadedBytes: undefined, plannedWeightBytes: undefined,
      }));
      return { ...report, memory, memoryRun: { tokens: 128, description: "a prefill of 128 tokens (the plan's context length)" } };
    },
  };
});

const FIXTURE = path.resolve('fixtures/tiny-llama');
const tempDir = useTempDirs('olive-runtime-budget');

async function earlierOutput(): Promise<{ parent: string; out: string }> {
  const parent = await tempDir();
  const out = path.join(parent, 'out');
  await mkdir(out);
  await writeFile(path.join(out, 'earlier.txt'), 'the good output');
  return { parent, out };
}

describe('auto-opt --budget-covers runtime', () => {
  it('fails with exit 1 naming the split over the budget and the budget that fits, leaving the earlier output', async () => {
    const { parent, out } = await earlierOutput();
    measured.peaks = [3_000_000_000, 900_000_000, 900_000_000];
    const run = await olive(['auto-opt', '-m', FIXTURE, '-o', out, '--memory', '2GB', '--budget-covers', 'runtime', '--force']);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: split split_\d+\.onnx measured 3\.00 GB \(estimated .+\) running a prefill of 128 tokens \(the plan's context length\), over the 2\.00 GB runtime budget, so '.+out' was not published: the budget these splits fit is 3\.00 GB \(3000000000 bytes, the largest measured\)$/,
    );
    expect(await readdir(out)).toEqual(['earlier.txt']);
    expect(await readFile(path.join(out, 'earlier.txt'), 'utf8')).toBe('the good output');
    expect(await readdir(parent)).toEqual(['out']);
  });

  it('publishes when every split measures within the budget, and prints the validation in snake_case with --json', async () => {
    const { out } = await earlierOutput();
    measured.peaks = [1_000_000, 1_000_000, 1_000_000, 1_000_000];
    const run = await olive(['auto-opt', '-m', FIXTURE, '-o', out, '--memory', '2GB', '--budget-covers', 'runtime', '--force', '--json']);
    expect(run.code).toBe(0);
    expect(await readdir(out)).toContain('split_0.onnx');
    const document = JSON.parse(run.stdout);
    const keys = (value: unknown): string[] =>
      Array.isArray(value) ? value.flatMap(keys) : value && typeof value === 'object' ? Object.entries(value).flatMap(([key, inner]) => [key, ...keys(inner)]) : [];
    const camel = keys(document).filter((key) => /[A-Z]/.test(key) && !key.includes('.') && !key.includes('/'));
    expect(camel).toEqual([]);
    expect(document.validation.memory[0]).toMatchObject({ peak_rss_bytes: 1_000_000, file: 'split_0.onnx' });
    expect(document.validation.memory_run.tokens).toBe(128);
  });

  it('refuses --no-validate, which would leave the runtime budget unchecked', async () => {
    const { out } = await earlierOutput();
    const run = await olive(['auto-opt', '-m', FIXTURE, '-o', out, '--memory', '2GB', '--budget-covers', 'runtime', '--no-validate', '--force']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: --budget-covers runtime is held by measuring each split during validation: it cannot be combined with --no-validate\n');
    expect(await readdir(out)).toEqual(['earlier.txt']);
  });
});
