/** Worker-thread entry: quantize each slab it is sent and send the result back, transferring the buffers. */
import { parentPort } from 'node:worker_threads';
import { quantizeSlab, type SlabJob } from './slab-job.ts';

const port = parentPort;
if (!port) throw new Error('quantize-worker.ts must run in a worker thread');

port.on('message', (job: SlabJob) => {
  const result = quantizeSlab(job);
  const transfer = [result.packed.buffer, result.scales.buffer, ...(result.zeroPoints ? [result.zeroPoints.buffer] : [])];
  port.postMessage(result, transfer as ArrayBuffer[]);
});
