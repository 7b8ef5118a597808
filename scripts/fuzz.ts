/**
 * `npm run fuzz -- [--per-target N] [--seed S] [--keep-failures DIR]`: the longer fuzz run (the suite runs a
 * short one). Prints each failure as it happens (its input files are kept in DIR, default ./fuzz-failures) and a
 * report of inputs tried and outcomes; exits 1 when any input crashed, hung or grew memory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fuzz, prepareWorkspace } from '../test/fuzz/fuzz-targets.ts';

const { values } = parseArgs({ options: { 'per-target': { type: 'string', default: '500' }, seed: { type: 'string', default: String(Date.now() % 100_000) }, 'keep-failures': { type: 'string', default: 'fuzz-failures' } } });
const perTarget = Number(values['per-target']);
const seed = Number(values.seed);
const dir = await mkdtemp(path.join(os.tmpdir(), 'olive-fuzz-'));
try {
  const started = Date.now();
  const work = await prepareWorkspace(dir);
  const failuresDir = path.resolve(values['keep-failures']!);
  const report = await fuzz(work, seed, perTarget, {
    keepFailuresIn: failuresDir,
    onTrial: (trial, index) => {
      if (trial.outcome !== 'parsed' && trial.outcome !== 'refused') console.log(`${trial.target} #${index}: ${trial.outcome}: ${trial.detail}`);
    },
  });
  console.log(`fuzz seed ${seed}: ${report.tried} inputs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const [target, counts] of Object.entries(report.counts)) {
    console.log(`  ${target.padEnd(12)} ${Object.entries(counts).map(([outcome, count]) => `${outcome} ${count}`).join(', ')}`);
  }
  console.log(report.failures.length === 0 ? 'no crash, hang or memory growth' : `${report.failures.length} failures, inputs kept in ${failuresDir} (rerun with --seed ${seed})`);
  process.exitCode = report.failures.length === 0 ? 0 : 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
