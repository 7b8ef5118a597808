/**
 * Child process body for memory measurement: with ONNX Runtime loaded (and the inputs read), note the resident set
 * size, open one model and note the peak RSS after loading, run it once on the given inputs (a tensor file;
 * weights are memory-mapped, so only a run touches them all) and note the peak again; print the three as JSON on
 * stdout. The RSS is read before the session is released: releasing never lowers a peak, but it ends the run.
 * Usage: node bin/run-ts.js src/runtime/rss-probe.ts MODEL.onnx cpu|cuda [INPUTS.tensors]
 */
import * as ort from 'onnxruntime-node';
import { readTensorFile } from './tensor-file.ts';

const [modelPath, provider, inputsFile] = process.argv.slice(2);
const feeds = inputsFile ? await readTensorFile(inputsFile) : undefined;
// resourceUsage().maxRSS is in kilobytes
const peakRss = () => process.resourceUsage().maxRSS * 1024;
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
