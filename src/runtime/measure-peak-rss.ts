/**
 * Peak memory of loading one model, measured in a fresh child process (so nothing else the parent holds counts):
 * the child's peak RSS minus that of a child that loads ONNX Runtime and no model.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { OliveError } from '../errors.ts';

const run = promisify(execFile);
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const PROBE = fileURLToPath(new URL('./rss-probe.ts', import.meta.url));
/** A probe that takes longer than this is stuck (a model that fits in memory loads in seconds). */
export const PROBE_TIMEOUT_MS = 10 * 60 * 1000;

/** Peak RSS in bytes of a child that loaded `modelPath` on `ortProvider` ('cpu', 'cuda'), or loaded nothing. */
export async function childPeakRss(modelPath?: string, ortProvider = 'cpu'): Promise<number> {
  const args = [RUN_TS, PROBE, ...(modelPath ? [modelPath, ortProvider] : [])];
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, args, { timeout: PROBE_TIMEOUT_MS, maxBuffer: 1024 * 1024 }));
  } catch (error) {
    const detail = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').pop();
    throw new OliveError(`measuring memory of '${modelPath ?? 'baseline'}' failed: ${detail}`);
  }
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  const { maxRssBytes } = JSON.parse(lastLine) as { maxRssBytes: number };
  return maxRssBytes;
}
