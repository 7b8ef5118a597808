/** Worker-thread entry: run each conversion job it is sent and send the bytes back, transferring the buffer. */
import { parentPort } from 'node:worker_threads';
import { runConvertJob, type ConvertJob } from './convert-job.ts';

const port = parentPort;
if (!port) throw new Error('convert-worker.ts must run in a worker thread');

port.on('message', (job: ConvertJob) => {
  const result = runConvertJob(job);
  const { buffer } = result.bytes;
  // a conversion to the same format hands back the input: copied then, since a shared buffer cannot be transferred
  port.postMessage(result, buffer instanceof ArrayBuffer ? [buffer] : []);
});
