/**
 * A small pool of worker threads running one TypeScript module. Jobs queue in order; each worker takes the next
 * job as soon as it is free. Idle workers do not keep the process alive, busy ones do (a pending result must
 * not be dropped by an early exit).
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from './start-ts-worker.ts';

interface QueuedJob<TJob, TResult> {
  job: TJob;
  resolve: (result: TResult) => void;
  reject: (error: Error) => void;
}

interface PoolWorker<TJob, TResult> {
  worker: Worker;
  current: QueuedJob<TJob, TResult> | undefined;
}

export class WorkerPool<TJob, TResult> {
  private readonly workers: PoolWorker<TJob, TResult>[] = [];
  private readonly queue: QueuedJob<TJob, TResult>[] = [];
  private readonly slotWaiters: (() => void)[] = [];
  private failure: Error | undefined;
  private closed = false;

  constructor(
    private readonly moduleUrl: URL,
    readonly size: number,
    /** The buffers of a job to move into the worker instead of copying. */
    private readonly transferOf: (job: TJob) => ArrayBuffer[],
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`worker pool size ${size} must be a positive integer`);
  }

  run(job: TJob): Promise<TResult> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<TResult>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Resolves once no job is waiting for a worker: lets a producer of jobs keep pace with the pool. */
  whenSlotFree(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  /** Pending jobs are rejected and waiters woken, so nothing is left waiting on a pool that is gone. */
  async close(): Promise<void> {
    this.closed = true;
    const closedError = new Error('worker pool is closed');
    for (const queued of this.queue.splice(0)) queued.reject(closedError);
    const workers = this.workers.splice(0);
    for (const entry of workers) {
      entry.current?.reject(closedError);
      entry.current = undefined;
      // an idle worker is unref'd, and its termination alone would not keep the event loop alive until it ends
      entry.worker.ref();
    }
    for (const wake of this.slotWaiters.splice(0)) wake();
    await Promise.all(workers.map((entry) => entry.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const free = this.freeWorker();
      if (!free) return;
      const next = this.queue.shift()!;
      free.current = next;
      free.worker.ref();
      free.worker.postMessage(next.job, this.transferOf(next.job));
    }
    for (const wake of this.slotWaiters.splice(0)) wake();
  }

  private freeWorker(): PoolWorker<TJob, TResult> | undefined {
    const idle = this.workers.find((entry) => !entry.current);
    if (idle) return idle;
    if (this.workers.length >= this.size) return undefined;
    return this.spawn();
  }

  private spawn(): PoolWorker<TJob, TResult> {
    const entry: PoolWorker<TJob, TResult> = { worker: startTsWorker(this.moduleUrl), current: undefined };
    entry.worker.on('message', (result: TResult) => {
      const done = entry.current;
      entry.current = undefined;
      entry.worker.unref();
      done?.resolve(result);
      this.dispatch();
    });
    entry.worker.on('error', (error: Error) => this.fail(error));
    entry.worker.on('exit', (code) => {
      if (!this.closed && code !== 0) this.fail(new Error(`worker thread exited with code ${code}`));
    });
    this.workers.push(entry);
    return entry;
  }

  /** A worker that throws is a bug, not bad input: reject everything pending and stop. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const entry of this.workers) {
      entry.current?.reject(error);
      entry.current = undefined;
    }
    for (const queued of this.queue.splice(0)) queued.reject(error);
    for (const wake of this.slotWaiters.splice(0)) wake();
    void this.close();
  }
}
