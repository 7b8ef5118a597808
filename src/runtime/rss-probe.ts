/**
 * Child process body for memory measurement: with ONNX Runtime loaded, note the resident set size, open one
 * model, run it once on the given inputs (a tensor file; weights are memory-mapped, so only a run touches them
 * all), and print the RSS before loading and the peak RSS as JSON on stdout.
 * Usage: node bin/run-ts.js src/runtime/rss-probe.ts MODEL.onnx cpu|cuda [INPUTS.tensors]
 */
import * as ort from 'onnxruntime-node';
import { readTensorFile } from './tensor-file.ts';

const [modelPath, provider, inputsFile] = process.argv.slice(2);
const feeds = inputsFile ? await readTensorFile(inputsFile) : undefined;
const rssBeforeBytes = process.memoryUsage().rss;
const session = await ort.InferenceSession.create(modelPath, { executionProviders: [provider] });
if (feeds) await session.run(feeds);
await session.release();
// resourceUsage().maxRSS is in kilobytes
process.stdout.write(`${JSON.stringify({ rssBeforeBytes, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
