/**
 * --force never replaces a folder that holds the input model (the model being converted would be deleted) or the
 * folder the command runs from (`-o . --force` would delete the user's files).
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
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

describe('real paths: a symlink does not hide the input, and the Hugging Face cache is never replaced (#16)', () => {
  it('-m through a link to the models folder, -o the models folder itself: refused, the model left whole', async () => {
    const alias = path.join(work, 'alias');
    await symlink(path.join(work, 'models'), alias);
    const run = await olive(['auto-opt', '-m', path.join(alias, 'tiny-llama'), '-o', path.join(work, 'models'), '--force', '--no-validate']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: output folder '.+' holds the input model '.+': choose another output folder\n$/);
    expect((await readdir(model)).sort()).toEqual(modelFiles);
  });

  it('-o a link to the model folder: refused', async () => {
    const link = path.join(work, 'link-to-model');
    await symlink(model, link);
    const run = await olive(['auto-opt', '-m', model, '-o', link, '--force', '--no-validate']);
    expect(run.code).toBe(1);
    expect((await readdir(model)).sort()).toEqual(modelFiles);
  });

  for (const inside of [path.join('hub', 'models--org--tiny', 'blobs'), 'hub', '.']) {
    it(`-o $HF_HOME/${inside} --force: refused, the cached weights kept`, async () => {
      const home = path.join(work, `hf-home-${inside.replace(/[/.]/g, '_')}`);
      const blobs = path.join(home, 'hub', 'models--org--tiny', 'blobs');
      await mkdir(blobs, { recursive: true });
      await writeFile(path.join(blobs, 'weights'), 'cached');
      const saved = process.env.HF_HOME;
      process.env.HF_HOME = home;
      try {
        const run = await olive(['auto-opt', '-m', FIXTURE, '-o', path.join(home, inside), '--force', '--no-validate']);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/^error: output folder '.+' is or holds the Hugging Face cache '.+' \(or lies inside it\): replacing it would delete it; choose another output folder\n$/);
      } finally {
        if (saved === undefined) delete process.env.HF_HOME;
        else process.env.HF_HOME = saved;
      }
      expect(await readFile(path.join(blobs, 'weights'), 'utf8')).toBe('cached');
    });
  }
});
