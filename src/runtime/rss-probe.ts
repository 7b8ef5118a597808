/**
 * Child process body for memory measurement: load ONNX Runtime, optionally open one model, and print the peak
 * resident set size as JSON on stdout. Run with no model it gives the baseline that measurements subtract.
 * Usage: node bin/run-ts.js src/runtime/rss-probe.ts [MODEL.onnx [cpu|cuda]]
 */
import * as ort from 'onnxruntime-node';

const [modelPath, provider = 'cpu'] = process.argv.slice(2);
if (modelPath) {
  const session = await ort.InferenceSession.create(modelPath, { executionProviders: [provider] });
  await session.release();
}
// resourceUsage().maxRSS is in kilobytes
process.stdout.write(`${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
