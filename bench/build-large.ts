/**
 * Build a synthetic Llama-3.2-1B-shaped checkpoint (bf16, about 2.5 GB, pseudo-random weights written as real
 * bytes) and report the build's time and peak RSS next to the time `cp` takes for the same bytes.
 * `node bin/run-ts.js bench/build-large.ts [--precision fp32|fp16] [--keep]`. Everything lives in a temporary
 * folder that is deleted at the end unless --keep.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDecoder } from '../src/convert/index.ts';
import type { FloatPrecision } from '../src/precisions.ts';
import { LLAMA_3_2_1B_CONFIG as CONFIG } from './llama-1b-config.ts';
import { writeSyntheticCheckpoint } from './synthetic-checkpoint.ts';


/** The build's rotary caches span a context this long; the full 131072 would only add cache bytes, not weights. */
const BENCH_CONTEXT = 8192;




function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Child mode: build only, so the peak RSS measured is the build's own. */
async function buildChild(modelDir: string, outDir: string, precision: FloatPrecision): Promise<void> {
  const start = process.hrtime.bigint();
  const result = await buildDecoder({ modelDir, outDir, precision, provider: 'CPUExecutionProvider', contextLength: BENCH_CONTEXT });
  const usage = process.resourceUsage();
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  console.log(JSON.stringify({ seconds: seconds(start), cpuSeconds, peakRssBytes: usage.maxRSS * 1024, weightBytes: result.weightBytes }));
}

function runChild(modelDir: string, outDir: string, precision: FloatPrecision): { seconds: number; cpuSeconds: number; peakRssBytes: number; weightBytes: number } {
  const runner = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run-ts.js');
  const child = spawnSync(process.execPath, [runner, fileURLToPath(import.meta.url), '--child', modelDir, outDir, precision], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`build failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

function timeCp(from: string, to: string): number {
  const start = process.hrtime.bigint();
  const cp = spawnSync('cp', ['--sparse=never', from, to]);
  if (cp.status !== 0) throw new Error(`cp failed: ${cp.stderr}`);
  return seconds(start);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return buildChild(args[1], args[2], args[3] as FloatPrecision);
  const precision = (args.includes('--precision') ? args[args.indexOf('--precision') + 1] : 'fp32') as FloatPrecision;
  const root = await mkdtemp(path.join(os.tmpdir(), 'olive-build-large-'));
  try {
    const modelDir = path.join(root, 'model');
    await mkdir(modelDir);
    let start = process.hrtime.bigint();
    const checkpoint = path.join(modelDir, 'model.safetensors');
    await writeSyntheticCheckpoint(modelDir, CONFIG, 'BF16');
    const checkpointBytes = (await stat(checkpoint)).size;
    console.log(`checkpoint: ${(checkpointBytes / 1e9).toFixed(2)} GB bf16 written in ${seconds(start).toFixed(1)} s`);
    const cpSeconds = timeCp(checkpoint, path.join(root, 'copy.safetensors'));
    await rm(path.join(root, 'copy.safetensors'));
    const build = runChild(modelDir, path.join(root, 'out'), precision);
    const outBytes = (await stat(path.join(root, 'out', 'model.onnx.data'))).size;
    console.log(`cp of the checkpoint: ${cpSeconds.toFixed(1)} s (${(checkpointBytes / 1e9 / cpSeconds).toFixed(2)} GB/s)`);
    console.log(`build ${precision}: ${build.seconds.toFixed(1)} s (${build.cpuSeconds.toFixed(1)} s of CPU), wrote ${(outBytes / 1e9).toFixed(2)} GB, peak RSS ${(build.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    if (!args.includes('--keep')) await rm(root, { recursive: true, force: true });
  }
}

await main();
