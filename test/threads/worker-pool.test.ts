import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/threads/worker-pool.ts';
import type { SlabJob, SlabResult } from '../../src/passes/quantize/slab-job.ts';
import { DataType } from '../../src/onnx/data-types.ts';

const WORKER = new URL('../../src/passes/quantize/quantize-worker.ts', import.meta.url);

function job(value: number): SlabJob {
  return {
    bytes: Float32Array.of(value, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).buffer,
    dataType: DataType.FLOAT,
    layout: 'nk',
    k: 16,
    n: 1,
    alpha: 1,
    settings: { bits: 4, blockSize: 16, symmetric: true, scaleType: 'float32' },
  };
}

describe('WorkerPool', () => {
  it('runs more jobs than workers, each result with its own job', async () => {
    const pool = new WorkerPool<SlabJob, SlabResult>(WORKER, 2, (j) => [j.bytes]);
    try {
      const results = await Promise.all([1, 2, 3, 4, 5].map((v) => pool.run(job(v))));
      // scale = −v/8, stored as float32 bytes
      expect(results.map((r) => new Float32Array(r.scales.buffer, r.scales.byteOffset, 1)[0])).toEqual([1, 2, 3, 4, 5].map((v) => -v / 8));
    } finally {
      await pool.close();
    }
  });

  it('close() rejects the jobs still running or queued and wakes those waiting for a slot', async () => {
    const pool = new WorkerPool<SlabJob, SlabResult>(WORKER, 1, (j) => [j.bytes]);
    const settled = Promise.allSettled([1, 2, 3].map((v) => pool.run(job(v))));
    const slot = pool.whenSlotFree();
    await pool.close();
    await expect(slot).resolves.toBeUndefined();
    const reasons = (await settled).map((result) => (result.status === 'rejected' ? String(result.reason) : 'fulfilled'));
    expect(reasons).toEqual(Array(3).fill('Error: worker pool is closed'));
  });

  it('rejects, instead of hanging, when the worker module cannot load', async () => {
    const pool = new WorkerPool<SlabJob, SlabResult>(new URL('./no-such-worker.ts', import.meta.url), 1, (j) => [j.bytes]);
    await expect(pool.run(job(1))).rejects.toThrow(/no-such-worker/);
    await expect(pool.run(job(1))).rejects.toThrow();
  });
});
