/** Run folders carry their run's pid (#16): those of dead runs are removed, those of live runs kept. */
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRunFolder, removeStaleRunFolders, runFolderPid } from '../../src/fs/run-folders.ts';
import { removeTemporariesSync } from '../../src/fs/temporaries.ts';
import { measureChildMemory } from '../../src/runtime/measure-peak-rss.ts';
import { runOlive as olive } from '../cli/run-olive.ts';
import { deadPid } from '../helpers/dead-pid.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const tempDir = useTempDirs('olive-run-folders');

describe('run folders', () => {
  it('are named by pid, removed on Ctrl-C, and removed by a later run once their run is gone', async () => {
    const parent = await tempDir();
    const mine = await makeRunFolder(parent, '.olive-work-');
    expect(runFolderPid(path.basename(mine), '.olive-work-')).toBe(process.pid);
    const dead = path.join(parent, `.olive-work-${deadPid()}-abcdef`);
    const live = path.join(parent, `.olive-work-${process.ppid}-abcdef`);
    await mkdir(dead);
    await mkdir(live);
    expect(await removeStaleRunFolders(parent, '.olive-work-')).toEqual([path.basename(dead)]);
    expect(existsSync(live) && existsSync(mine)).toBe(true);
    removeTemporariesSync();
    expect(existsSync(mine)).toBe(false);
  });

  it('olive-rss-* folders of dead runs in the temp folder are removed by the next measurement', async () => {
    const leftover = path.join(os.tmpdir(), `olive-rss-${deadPid()}-abcdef`);
    await mkdir(leftover, { recursive: true });
    const out = path.join(await tempDir(), 'out');
    expect((await olive(['auto-opt', '-m', path.resolve('fixtures/tiny-llama'), '-o', out, '--no-validate'])).code).toBe(0);
    await measureChildMemory(path.join(out, 'model.onnx'), 'cpu');
    expect(existsSync(leftover)).toBe(false);
    expect((await readdir(os.tmpdir())).filter((name) => name.startsWith(`olive-rss-${process.pid}-`))).toEqual([]);
  }, 60_000);
});
