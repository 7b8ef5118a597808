/**
 * Child process body for memory measurement: with ONNX Runtime loaded (and the inputs read), note the resident set
 * size, open one model and note the peak RSS after loading, run it once on the given inputs (a tensor file;
 * weights are memory-mapped, so only a run touches them all) and note the peak again; print the three as JSON on
 * stdout. The RSS is read before the session is released: releasing never lowers a peak, but it ends the run.
 * Usage: node bin/run-ts.js src/runtime/rss-probe.ts MODEL.onnx cpu|cuda [INPUTS.tensors]
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { readTensorFile } from './tensor-file.ts';

const [modelPath, provider, inputsFile] = process.argv.slice(2);
const feeds = inputsFile ? await readTensorFile(inputsFile) : undefined;
/**
 * On Linux the peak of this process's own memory map (VmHWM). getrusage's maxRSS would not do: it keeps the peak
 * of the process it was forked from across exec, so a child of a parent holding a large model reports the
 * parent's size. Elsewhere maxRSS (in kilobytes), which has no such inheritance on macOS.
 */
function peakRss(): number {
  if (process.platform === 'linux') {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  }
  return process.resourceUsage().maxRSS * 1024;
}
const rssBeforeBytes = process.memoryUsage().rss;
const session = await ort.InferenceSession.create(modelPath, {
  executionProviders: [provider],
  extra: { session: { intra_op: { allow_spinning: '0' } } },
});
const loadPeakRssBytes = peakRss();
if (feeds) await session.run(feeds);
const peakRssBytes = peakRss();
await session.release();
process.stdout.write(`${JSON.stringify({ rssBeforeBytes, loadPeakRssBytes, peakRssBytes })}\n`);
