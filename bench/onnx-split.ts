/**
 * Splitting an ONNX model into 4 parts: olive-node's split path (the compiled package's splitModel, weights
 * streamed by byte range) against onnx's Extractor from Debian's python3-onnx 1.12 (bench/peers/onnx_extract.py),
 * each in its own process under /usr/bin/time. The model is an fp16 Llama-3.2-1B-shaped decoder built by
 * `olive auto-opt` from a synthetic checkpoint: one under 2 GB, where the peer can run (rounds interleaved,
 * medians), and one over 2 GB, where Extractor as shipped fails (one round each).
 * `node bin/run-ts.js bench/onnx-split.ts [--rounds 3] [--no-large]`
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HfConfig } from '../src/hf/config.ts';
import { flagValue, gb, measure, median, mib, OLIVE_CLI, reportFigure, ROOT, type Measured } from './figures.ts';
import { LLAMA_3_2_1B_CONFIG } from './llama-1b-config.ts';
import { writeSyntheticCheckpoint } from './synthetic-checkpoint.ts';

const SPLITS = 4;
const PYTHON = '/usr/bin/python3';
const PEER = path.join(ROOT, 'bench', 'peers', 'onnx_extract.py');
const OURS = path.join(ROOT, 'bench', 'peers', 'split-onnx.mjs');

const MODELS = {
  small: { ...LLAMA_3_2_1B_CONFIG, vocab_size: 64000, num_hidden_layers: 8 },
  large: LLAMA_3_2_1B_CONFIG,
};

/** An fp16 ONNX decoder of the config's shapes, written by auto-opt (unsplit). */
async function onnxModel(root: string, name: keyof typeof MODELS): Promise<{ model: string; bytes: number; layers: number }> {
  const hf = path.join(root, `hf-${name}`);
  await mkdir(hf, { recursive: true });
  await writeSyntheticCheckpoint(hf, MODELS[name] as HfConfig, 'BF16');
  const out = path.join(root, `onnx-${name}`);
  const built = measure([process.execPath, OLIVE_CLI, 'auto-opt', '-m', hf, '-o', out, '--precision', 'fp16', '--provider', 'CUDAExecutionProvider', '--context-length', '8192', '--no-validate']);
  if (built.status !== 0) throw new Error(`auto-opt failed: ${built.stderr.slice(-2000)}`);
  await rm(hf, { recursive: true, force: true });
  const model = path.join(out, 'model.onnx');
  const bytes = (await stat(model)).size + (await stat(`${model}.data`)).size;
  return { model, bytes, layers: MODELS[name].num_hidden_layers };
}

function ours(model: string, layers: number, out: string): Measured {
  const run = measure([process.execPath, OURS, model, String(layers), String(SPLITS), out]);
  if (run.status !== 0) throw new Error(`splitModel failed: ${run.stderr.slice(-2000)}`);
  return run;
}

function peer(model: string, oursOut: string, out: string, asShipped = false): Measured {
  return measure([PYTHON, PEER, model, oursOut, out, ...(asShipped ? ['--as-shipped'] : [])]);
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((line) => line.trim() !== '').at(-1) ?? '';
}

async function peerWrote(out: string): Promise<boolean> {
  const files = existsSync(out) ? await readdir(out) : [];
  return Array.from({ length: SPLITS }, (_, i) => `split_${i}.onnx`).every((file) => files.includes(file));
}

async function small(root: string, rounds: number): Promise<void> {
  const { model, bytes, layers } = await onnxModel(root, 'small');
  const runs = { ours: [] as Measured[], peer: [] as Measured[] };
  const reference = path.join(root, 'ours-reference');
  ours(model, layers, reference);
  for (let round = 0; round < rounds; round++) {
    runs.ours.push(ours(model, layers, path.join(root, 'ours')));
    await rm(path.join(root, 'ours'), { recursive: true, force: true });
    const run = peer(model, reference, path.join(root, 'peer'));
    if (run.status !== 0 || !(await peerWrote(path.join(root, 'peer')))) throw new Error(`Extractor failed on the small model: ${lastLine(run.stderr)}`);
    runs.peer.push(run);
    await rm(path.join(root, 'peer'), { recursive: true, force: true });
  }
  const oursSeconds = median(runs.ours.map((r) => r.seconds));
  const peerSeconds = median(runs.peer.map((r) => r.seconds));
  const oursPeak = median(runs.ours.map((r) => r.peakRssBytes));
  const peerPeak = median(runs.peer.map((r) => r.peakRssBytes));
  const faster = peerSeconds / oursSeconds;
  const memory = oursPeak / peerPeak;
  reportFigure({ bench: 'onnx-split', figure: `Extractor (python3-onnx 1.12, shape inference patched out, boundary types given), ${gb(bytes)} fp16 model, ${SPLITS} parts`, value: `${peerSeconds.toFixed(1)} s, peak RSS ${mib(peerPeak)}` });
  reportFigure({
    bench: 'onnx-split',
    figure: `olive-node splitModel, same model, same ${SPLITS} parts`,
    value: `${oursSeconds.toFixed(1)} s, peak RSS ${mib(oursPeak)}`,
    ratio: `${faster.toFixed(1)}× faster, ${memory.toFixed(3)}× the memory`,
    aim: `≥ 5× faster: ${faster >= 5 ? 'met' : 'not met'}; ≤ 1/10 memory: ${memory <= 0.1 ? 'met' : 'not met'}`,
  });
  await rm(path.dirname(model), { recursive: true, force: true });
  await rm(reference, { recursive: true, force: true });
}

async function large(root: string): Promise<void> {
  const { model, bytes, layers } = await onnxModel(root, 'large');
  const mine = ours(model, layers, path.join(root, 'ours'));
  reportFigure({ bench: 'onnx-split', figure: `olive-node splitModel, ${gb(bytes)} fp16 model (over 2 GB), ${SPLITS} parts`, value: `${mine.seconds.toFixed(1)} s, peak RSS ${mib(mine.peakRssBytes)}` });
  for (const asShipped of [true, false]) {
    const run = peer(model, path.join(root, 'ours'), path.join(root, 'peer'), asShipped);
    const wrote = run.status === 0 && (await peerWrote(path.join(root, 'peer')));
    const how = asShipped ? 'as shipped' : 'shape inference patched out, boundary types given';
    reportFigure({
      bench: 'onnx-split',
      figure: `Extractor (${how}), same ${gb(bytes)} model`,
      value: wrote ? `${run.seconds.toFixed(1)} s, peak RSS ${mib(run.peakRssBytes)}` : `fails after ${run.seconds.toFixed(1)} s at peak RSS ${mib(run.peakRssBytes)}: ${lastLine(run.stderr).slice(0, 160)}`,
      ratio: wrote ? `olive-node ${(run.seconds / mine.seconds).toFixed(1)}× faster, ${(mine.peakRssBytes / run.peakRssBytes).toFixed(3)}× the memory` : undefined,
    });
    await rm(path.join(root, 'peer'), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (!existsSync(OLIVE_CLI)) throw new Error(`${OLIVE_CLI} is missing: npm run build first`);
  const root = await mkdtemp(path.join(os.tmpdir(), 'olive-bench-onnx-split-'));
  try {
    await small(root, Number(flagValue(argv, '--rounds') ?? 3));
    if (!argv.includes('--no-large')) await large(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
