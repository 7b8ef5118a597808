/**
 * What benchmarks share: each figure they measure is printed as one `BENCH_FIGURE {json}` line, which
 * bench/index.ts collects into BENCHMARKS.md's table; commands are timed with their peak RSS by /usr/bin/time
 * (the peak of the whole process tree it waits for), each in its own process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIGURE_PREFIX = 'BENCH_FIGURE ';

export interface Figure {
  /** The benchmark's name in bench/index.ts. */
  bench: string;
  /** What was measured, e.g. "int4 4-split, 2.47 GB checkpoint". */
  figure: string;
  /** The measurement itself: times, peak RSS, rates. */
  value: string;
  /** A ratio measured in the same run, e.g. "9.8× cp". */
  ratio?: string;
  /** The aim it is reported against, and whether it was met. */
  aim?: string;
}

export function reportFigure(figure: Figure): void {
  console.log(`${FIGURE_PREFIX}${JSON.stringify(figure)}`);
}

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The command line as the package ships it (compiled; bench/index.ts builds it first). */
export const OLIVE_CLI = path.join(ROOT, 'dist', 'olive.js');

export interface Measured {
  seconds: number;
  peakRssBytes: number;
  status: number;
  stdout: string;
  stderr: string;
}

const TIME = '/usr/bin/time';

/** Run `command` once, timed, with its peak RSS (the largest of its process tree's). */
export function measure(command: string[], options: { cwd?: string } = {}): Measured {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed to measure peak RSS (Debian package "time")`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'olive-bench-time-'));
  try {
    const report = path.join(dir, 'time.txt');
    const run = spawnSync(TIME, ['-f', '%e %M', '-o', report, ...command], { encoding: 'utf8', maxBuffer: 1 << 28, cwd: options.cwd });
    const [seconds, kib] = readFileSync(report, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    return { seconds, peakRssBytes: kib * 1024, status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

export function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export function flagValue(argv: string[], flag: string): string | undefined {
  return argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined;
}
