/** auto-opt outputs of a tiny fixture, unsplit and split, built once per test file in a temporary folder. */
import path from 'node:path';
import { runOlive } from '../cli/run-olive.ts';

export interface FixtureOutputs {
  unsplit: string;
  /** Split folders by number of splits. */
  split: Record<number, string>;
}

export async function buildFixtureOutputs(work: string, fixture: string, splitCounts: number[]): Promise<FixtureOutputs> {
  const unsplit = path.join(work, 'unsplit');
  await autoOpt(['-m', fixture, '-o', unsplit, '--no-validate']);
  const split: Record<number, string> = {};
  for (const count of splitCounts) {
    split[count] = path.join(work, `split-${count}`);
    await autoOpt(['-m', fixture, '-o', split[count], '--num-splits', String(count), '--no-validate']);
  }
  return { unsplit, split };
}

async function autoOpt(args: string[]): Promise<void> {
  const run = await runOlive(['auto-opt', ...args]);
  if (run.code !== 0) throw new Error(`auto-opt ${args.join(' ')} failed: ${run.stderr}`);
}
