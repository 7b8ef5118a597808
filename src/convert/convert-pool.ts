/**
 * The worker threads that convert and transpose checkpoint weights while the writer streams them, shared by all
 * builds in the process (idle workers do not keep it alive). Results come back in order, a few jobs ahead of the
 * writer, so both cores work while the data file is written.
 */
import os from 'node:os';
import { siblingModule } from '../runnable-module.ts';
import { WorkerPool } from '../threads/worker-pool.ts';
import type { ConvertJob, ConvertResult } from './convert-job.ts';

/** Conversion workers; quantization has its own pool, and two cores are the common case. */
export const CONVERT_THREADS = Math.max(1, Math.min(os.availableParallelism(), 4));
/** Jobs in flight per stream: one for each worker, one more so a worker is never idle between two. */
export const JOBS_AHEAD = CONVERT_THREADS + 1;

const WORKER_MODULE = siblingModule('./convert-worker', import.meta.url);

let pool: WorkerPool<ConvertJob, ConvertResult> | undefined;

function convertPool(): WorkerPool<ConvertJob, ConvertResult> {
  pool ??= new WorkerPool<ConvertJob, ConvertResult>(WORKER_MODULE, CONVERT_THREADS, (job) => (job.kind === 'convert' ? [job.bytes] : []));
  return pool;
}

/** Stop the workers (a later conversion starts new ones). */
export async function closeConvertPool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.close();
}

/** Run the jobs `jobs` yields on the pool, at most JOBS_AHEAD at a time, and yield their bytes in order. */
export async function* inOrder(jobs: AsyncIterable<ConvertJob> | Iterable<ConvertJob>): AsyncGenerator<Uint8Array> {
  const running: Promise<ConvertResult>[] = [];
  const workers = convertPool();
  try {
    for await (const job of jobs) {
      const started = workers.run(job);
      // awaited below in order; a failure before then must not count as unhandled
      started.catch(() => undefined);
      running.push(started);
      if (running.length >= JOBS_AHEAD) yield (await running.shift()!).bytes;
    }
    while (running.length > 0) yield (await running.shift()!).bytes;
  } finally {
    running.length = 0;
  }
}
