/**
 * --force never replaces a folder that holds the input model (the model being converted would be deleted) or the
 * folder the command runs from (`-o . --force` would delete the user's files).
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOlive as olive } from './run-olive.ts';

const FIXTURE = path.resolve('fixtures/tiny-llama');

let work: string;
let model: string;
let modelFiles: string[];
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'olive-input-guard-'));
  model = path.join(work, 'models', 'tiny-llama');
  await cp(FIXTURE, model, { recursive: true });
  modelFiles = (await readdir(model)).sort();
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('-o naming the input model folder, or a folder above it, with --force', () => {
  const cases = [
    { label: 'the model folder, unsplit', output: () => model, split: [] },
    { label: 'the model folder, split', output: () => model, split: ['--num-splits', '2'] },
    { label: 'its parent folder', output: () => path.dirname(model), split: [] },
  ];
  for (const { label, output, split } of cases) {
    it(`${label}: one-line refusal, the model left whole`, async () => {
      const run = await olive(['auto-opt', '-m', model, '-o', output(), '--force', '--no-validate', ...split]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error: output folder '.+' holds the input model '.+': choose another output folder\n$/);
      expect((await readdir(model)).sort()).toEqual(modelFiles);
      expect((await readdir(path.dirname(model))).filter((name) => name.startsWith('.'))).toEqual([]);
    });
  }
});

describe('-o naming the current folder, or a folder above it, with --force', () => {
  for (const output of ['.', '..']) {
    it(`-o ${output}: one-line refusal, nothing deleted`, async () => {
      const project = path.join(work, 'project', 'sub');
      await mkdir(project, { recursive: true });
      await writeFile(path.join(project, 'notes.txt'), 'keep me');
      const startedIn = process.cwd();
      process.chdir(project);
      try {
        const run = await olive(['auto-opt', '-m', FIXTURE, '-o', output, '--force', '--no-validate']);
        expect(run.code).toBe(1);
        expect(run.stderr).toBe(`error: output folder '${output}' holds the current folder: replacing it would delete what is there; choose a new output folder\n`);
      } finally {
        process.chdir(startedIn);
      }
      expect(await readdir(project)).toEqual(['notes.txt']);
    });
  }
});
