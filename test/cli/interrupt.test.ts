/**
 * Ctrl-C or SIGKILL at any moment of `olive auto-opt --force` over an earlier output (#16): afterwards the output
 * folder is whole, the earlier one or the new one, and (after the next run for a SIGKILL) nothing is left beside it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanUpAfterKilledRuns } from '../../src/fs/output-folder.ts';
import { removeStaleRunFolders } from '../../src/fs/run-folders.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const FIXTURE = path.join(REPO_ROOT, 'fixtures', 'tiny-llama');
const tempDir = useTempDirs('olive-interrupt');

/** Starts auto-opt over an earlier output and sends `signal` after `delayMs`; resolves when the process is gone. */
async function interruptedRun(out: string, signal: NodeJS.Signals, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'run-ts.js'), path.join(REPO_ROOT, 'src', 'olive.ts'), 'auto-opt', '-m', FIXTURE, '-o', out, '--force', '--no-validate'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  setTimeout(() => child.kill(signal), delayMs);
  await exited;
}

/** The output is either the earlier one, untouched, or a complete new one. */
async function expectWhole(out: string): Promise<'earlier' | 'new'> {
  const files = (await readdir(out)).sort();
  if (files.includes('earlier.txt')) {
    expect(files).toEqual(['earlier.txt']);
    return 'earlier';
  }
  for (const file of ['model.onnx', 'model.onnx.data', 'genai_config.json', 'config.json']) expect(files).toContain(file);
  return 'new';
}

describe('interrupting a run that replaces an output', () => {
  for (const [signal, delays] of [['SIGINT', [600, 1500, 2500]], ['SIGKILL', [900, 2000]]] as const) {
    it(`${signal} at ${delays.join(', ')} ms leaves one whole output`, async () => {
      for (const delay of delays) {
        const parent = await tempDir();
        const out = path.join(parent, 'out');
        await mkdir(out);
        await writeFile(path.join(out, 'earlier.txt'), 'the good output');
        await interruptedRun(out, signal, delay);
        // what the next run does first, for a SIGKILL
        if (signal === 'SIGKILL') {
          await cleanUpAfterKilledRuns(out);
          await removeStaleRunFolders(parent, '.olive-work-');
        }
        expect(existsSync(out)).toBe(true);
        await expectWhole(out);
        expect(await readdir(parent)).toEqual(['out']);
      }
    }, 60_000);
  }
});
