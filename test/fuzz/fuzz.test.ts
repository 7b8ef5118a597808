/**
 * The seeded, bounded fuzz run of the suite (#16): a few hundred mutated and truncated configs (read, and built
 * into graphs), safetensors, cost tables and ONNX models through the library, and a sample through the real `olive` process; every outcome
 * is a result or a one-line error, never a crash, a hang or memory that follows a size the input claims.
 * `npm run fuzz` runs the same targets longer.
 */
import { execFile } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/temp-dirs.ts';
import { FIXTURE, fuzz, prepareWorkspace, TARGETS, type Workspace } from './fuzz-targets.ts';
import { Mutator, seededRandom } from './mutate.ts';

const SEED = 20_261_202;
/** 5 targets × 60: a few hundred inputs, about 5-10 s here. */
const PER_TARGET = 60;
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const tempDir = useTempDirs('olive-fuzz');
let work: Workspace;

beforeAll(async () => {
  work = await prepareWorkspace(await tempDir());
}, 60_000);

describe('fuzz', () => {
  it(`${Object.keys(TARGETS).length * PER_TARGET} seeded inputs: each parses or is refused in one line`, async () => {
    const report = await fuzz(work, SEED, PER_TARGET);
    expect(report.failures).toEqual([]);
    expect(report.tried).toBe(Object.keys(TARGETS).length * PER_TARGET);
    for (const counts of Object.values(report.counts)) expect(counts.refused).toBeGreaterThan(0);
  }, 120_000);

  it('a sample through the real olive process: exit 0 or 1, one error line, no stack', async () => {
    const mutate = new Mutator(seededRandom(SEED));
    const config = JSON.parse(await readFile(path.join(FIXTURE, 'config.json'), 'utf8'));
    for (let sample = 0; sample < 3; sample++) {
      const dir = path.join(await tempDir(), 'model');
      await cp(FIXTURE, dir, { recursive: true });
      await writeFile(path.join(dir, 'config.json'), JSON.stringify(mutate.json(config, ['num_hidden_layers', 'hidden_size', 'rms_norm_eps'])));
      const headerEnd = 8 + Number(work.safetensors.readBigUInt64LE(0));
      await writeFile(path.join(dir, 'model.safetensors'), mutate.bytes(work.safetensors, headerEnd));
      const run = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bin', 'run-ts.js'), path.join(REPO_ROOT, 'src', 'olive.ts'), 'generate-cost-model', '-m', dir, '-o', path.join(dir, '..', 'c.csv')], { timeout: 60_000 }).then(
        (done) => ({ code: 0, stderr: done.stderr }),
        (failed: { code?: number; stderr?: string }) => ({ code: failed.code, stderr: failed.stderr ?? '' }),
      );
      expect([0, 1]).toContain(run.code);
      if (run.code === 1) expect(run.stderr).toMatch(/^error: [^\n]+\n$/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);
});
