/**
 * The worker threads that convert and transpose checkpoint weights while the writer streams them, shared by all
 * builds in the process (idle workers do not keep it alive). Results come back in order, a few jobs ahead of the
 * writer, so both cores work while the data file is written.
 */
import os from 'node:os';
import { siblingModule } from '../runnable-module.ts';
import { WorkerPool } from '../threads/worker-pool.ts';
import type { ConvertJob, ConvertResult } from './convert-job.ts';

/** Conversion workers by default: the machine's cores, up to 4. */
export const DEFAULT_CONVERT_THREADS = Math.max(1, Math.min(os.availableParallelism(), 4));

let threads = DEFAULT_CONVERT_THREADS;

/**
 * How many workers the next pool starts. auto-opt gives 1 when quantizing: the quantization workers take the cores
 * then, and each conversion worker more only adds memory (its heap and the chunks it keeps ahead).
 */
export function setConvertThreads(count: number): void {
  threads = Math.max(1, Math.floor(count));
}

const WORKER_MODULE = siblingModule('./convert-worker', import.meta.url);

let pool: WorkerPool<ConvertJob, ConvertResult> | undefined;

function convertPool(): WorkerPool<ConvertJob, ConvertResult> {
  pool ??= new WorkerPool<ConvertJob, ConvertResult>(WORKER_MODULE, threads, (job) => (job.kind === 'convert' ? [job.bytes] : []));
  return pool;
}

/** Stop the workers (a later conversion starts new ones). */
export async function closeConvertPool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.close();
}

/**
 * Run the jobs `jobs` yields on the pool and yield their bytes in order, one job in flight per worker and one more,
 * so that a worker is never idle between two.
 */
export async function* inOrder(jobs: AsyncIterable<ConvertJob> | Iterable<ConvertJob>): AsyncGenerator<Uint8Array> {
  const running: Promise<ConvertResult>[] = [];
  const workers = convertPool();
  const ahead = workers.size + 1;
  try {
    for await (const job of jobs) {
      const started = workers.run(job);
      // awaited below in order; a failure before then must not count as unhandled
      started.catch(() => undefined);
      running.push(started);
      if (running.length >= ahead) yield (await running.shift()!).bytes;
    }
    while (running.length > 0) yield (await running.shift()!).bytes;
  } finally {
    running.length = 0;
  }
}
