/**
 * Publishing keeps the earlier output until the new one is in place (#16): a failure or a signal between the two
 * renames puts it back; what a SIGKILLed run left (an output set aside, staging and work folders) is settled by the
 * next run, while the folders of a live run are left alone.
 */
import { existsSync, renameSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanUpAfterKilledRuns, createStaging, publishStaging } from '../../src/fs/output-folder.ts';
import { removeTemporariesSync, trackSwap, trackTemporary } from '../../src/fs/temporaries.ts';
import { runOlive as olive } from '../cli/run-olive.ts';
import { deadPid } from '../helpers/dead-pid.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const tempDir = useTempDirs('olive-publish-swap');

async function folderWith(dir: string, file: string, text: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, file), text);
  return dir;
}

describe('publishStaging', () => {
  it('replaces an earlier output, leaving nothing beside it', async () => {
    const parent = await tempDir();
    const out = await folderWith(path.join(parent, 'out'), 'old.txt', 'old');
    const staging = await createStaging(out);
    await writeFile(path.join(staging, 'new.txt'), 'new');
    await publishStaging(staging, out, true);
    expect(await readdir(out)).toEqual(['new.txt']);
    expect(await readdir(parent)).toEqual(['out']);
  });

  it('a failure of the second rename puts the earlier output back', async () => {
    const parent = await tempDir();
    const out = await folderWith(path.join(parent, 'out'), 'old.txt', 'old');
    await expect(publishStaging(path.join(parent, '.out.staging-gone'), out, true)).rejects.toThrow(/ENOENT/);
    expect(await readFile(path.join(out, 'old.txt'), 'utf8')).toBe('old');
    expect(await readdir(parent)).toEqual(['out']);
  });

  it('a signal between the two renames leaves the earlier output whole (the Ctrl-C handler settles the swap)', async () => {
    const parent = await tempDir();
    const out = await folderWith(path.join(parent, 'out'), 'old.txt', 'old');
    const staging = trackTemporary(await folderWith(path.join(parent, `.out.staging-${process.pid}-abcdef`), 'new.txt', 'new'));
    const retired = path.join(parent, `.out.replaced-${process.pid}-abcdef`);
    // the state publishStaging is in after its first rename
    trackSwap(out, retired);
    renameSync(out, retired);
    removeTemporariesSync();
    expect(await readFile(path.join(out, 'old.txt'), 'utf8')).toBe('old');
    expect(existsSync(staging)).toBe(false);
    expect(await readdir(parent)).toEqual(['out']);
  });

  it('a signal after the second rename keeps the new output and removes the earlier one', async () => {
    const parent = await tempDir();
    const retired = await folderWith(path.join(parent, `.out.replaced-${process.pid}-abcdef`), 'old.txt', 'old');
    const out = await folderWith(path.join(parent, 'out'), 'new.txt', 'new');
    trackSwap(out, retired);
    removeTemporariesSync();
    expect(await readdir(out)).toEqual(['new.txt']);
    expect(await readdir(parent)).toEqual(['out']);
  });
});

describe('leftovers of killed runs', () => {
  it('the next run restores an output a SIGKILL left set aside and removes dead staging folders', async () => {
    const parent = await tempDir();
    const dead = deadPid();
    await folderWith(path.join(parent, `.out.replaced-${dead}-abcdef`), 'old.txt', 'old');
    await folderWith(path.join(parent, `.out.staging-${dead}-abcdef`), 'new.txt', 'half');
    const live = await folderWith(path.join(parent, `.out.staging-${process.ppid}-ghijkl`), 'other.txt', 'a live run');
    await cleanUpAfterKilledRuns(path.join(parent, 'out'));
    expect(await readFile(path.join(parent, 'out', 'old.txt'), 'utf8')).toBe('old');
    expect((await readdir(parent)).sort()).toEqual([path.basename(live), 'out'].sort());
  });

  it('auto-opt removes the work and staging folders of a dead run beside its output', async () => {
    const parent = await tempDir();
    const dead = deadPid();
    await folderWith(path.join(parent, `.olive-work-${dead}-abcdef`), 'converted.onnx', 'x'.repeat(1000));
    await folderWith(path.join(parent, `.out.staging-${dead}-abcdef`), 'split_0.onnx', 'x');
    const run = await olive(['auto-opt', '-m', path.resolve('fixtures/tiny-llama'), '-o', path.join(parent, 'out'), '--no-validate']);
    expect(run.code).toBe(0);
    expect(await readdir(parent)).toEqual(['out']);
  });
});
