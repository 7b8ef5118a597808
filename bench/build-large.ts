/**
 * `olive auto-opt` from a Hugging Face checkpoint into 4 splits, fp16 and int4, against `cp` of the same
 * checkpoint, at several sizes of Llama-3.2-1B-shaped synthetic checkpoints (bf16, pseudo-random weights written
 * as real bytes, tied embeddings). Each command runs in its own process under /usr/bin/time (wall time, peak
 * RSS); rounds interleave cp, fp16 and int4 (the machine is shared) and the medians are compared as ratios
 * measured in the same run. At the largest size one int4 run also validates (the cascade against the unsplit
 * model), reported beside the others.
 * `node bin/run-ts.js bench/build-large.ts [--sizes 0.6,1.2,2.5,5] [--rounds 3] [--no-validated-run]`
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HfConfig } from '../src/hf/config.ts';
import { flagValue, gb, measure, median, mib, OLIVE_CLI, reportFigure, type Measured } from './figures.ts';
import { LLAMA_3_2_1B_CONFIG } from './llama-1b-config.ts';
import { writeSyntheticCheckpoint } from './synthetic-checkpoint.ts';

/** Rotary caches for this context: the full 131072 would only add cache bytes, not weights. */
const CONTEXT = 8192;
const SPLITS = 4;

/** Checkpoint sizes (GB, bf16) and the Llama-3.2-1B shapes changed to reach them. */
const SIZES: Record<string, Partial<typeof LLAMA_3_2_1B_CONFIG>> = {
  '0.6': { vocab_size: 32000, num_hidden_layers: 4 },
  '1.2': { vocab_size: 64000, num_hidden_layers: 8 },
  '2.5': {},
  '5': { num_hidden_layers: 36 },
};

const COMMANDS = {
  fp16: ['--precision', 'fp16', '--provider', 'CUDAExecutionProvider'],
  int4: ['--precision', 'int4'],
};

function autoOpt(model: string, out: string, precision: keyof typeof COMMANDS, validate: boolean): string[] {
  const split = ['--num-splits', String(SPLITS), '--context-length', String(CONTEXT), ...(validate ? [] : ['--no-validate'])];
  return [process.execPath, OLIVE_CLI, 'auto-opt', '-m', model, '-o', out, ...COMMANDS[precision], ...split, '--json'];
}

function checked(run: Measured, what: string): Measured {
  if (run.status !== 0) throw new Error(`${what} failed (exit ${run.status}): ${run.stderr.slice(-2000)}`);
  return run;
}

interface Runs {
  cp: Measured[];
  fp16: Measured[];
  int4: Measured[];
}

async function benchSize(root: string, size: string, rounds: number): Promise<{ runs: Runs; bytes: number; model: string }> {
  const model = path.join(root, `hf-${size}`);
  await mkdir(model, { recursive: true });
  await writeSyntheticCheckpoint(model, { ...LLAMA_3_2_1B_CONFIG, ...SIZES[size] } as HfConfig, 'BF16');
  const checkpoint = path.join(model, 'model.safetensors');
  const bytes = (await stat(checkpoint)).size;
  const runs: Runs = { cp: [], fp16: [], int4: [] };
  const out = path.join(root, 'out');
  for (let round = 0; round < rounds; round++) {
    runs.cp.push(checked(measure(['cp', '--sparse=never', checkpoint, path.join(root, 'copy.safetensors')]), 'cp'));
    await rm(path.join(root, 'copy.safetensors'), { force: true });
    for (const precision of ['fp16', 'int4'] as const) {
      runs[precision].push(checked(measure(autoOpt(model, out, precision, false)), `auto-opt ${precision}`));
      await rm(out, { recursive: true, force: true });
    }
  }
  return { runs, bytes, model };
}

function reportSize(size: string, bytes: number, runs: Runs): void {
  const cp = median(runs.cp.map((run) => run.seconds));
  reportFigure({ bench: 'build-large', figure: `cp of the ${gb(bytes)} checkpoint`, value: `${cp.toFixed(2)} s, ${mib(median(runs.cp.map((r) => r.peakRssBytes)))}` });
  for (const precision of ['fp16', 'int4'] as const) {
    const seconds = median(runs[precision].map((run) => run.seconds));
    const peak = Math.max(...runs[precision].map((run) => run.peakRssBytes));
    const ratio = seconds / cp;
    const aim = precision === 'fp16' ? `≤ 2× cp: ${ratio <= 2 ? 'met' : 'not met'}` : `≤ 4× cp: ${ratio <= 4 ? 'met' : 'not met'}; ≤ 600 MB peak: ${peak <= 600e6 ? 'met' : 'not met'}`;
    reportFigure({
      bench: 'build-large',
      figure: `auto-opt ${precision} ${SPLITS} splits, ${gb(bytes)} checkpoint (${size} GB class)`,
      value: `${seconds.toFixed(1)} s, peak RSS ${mib(peak)}`,
      ratio: `${ratio.toFixed(1)}× cp`,
      aim,
    });
  }
}

async function validatedRun(root: string, model: string, bytes: number, cp: number): Promise<void> {
  const out = path.join(root, 'out-validated');
  const run = checked(measure(autoOpt(model, out, 'int4', true)), 'validated auto-opt int4');
  const stages = (JSON.parse(run.stdout) as { stages: { stage: string; seconds: number }[] }).stages;
  const validate = stages.find((stage) => stage.stage === 'validate')?.seconds ?? NaN;
  reportFigure({
    bench: 'build-large',
    figure: `auto-opt int4 ${SPLITS} splits with validation, ${gb(bytes)} checkpoint`,
    value: `${run.seconds.toFixed(1)} s (validate stage ${validate.toFixed(1)} s), peak RSS ${mib(run.peakRssBytes)}`,
    ratio: `${(run.seconds / cp).toFixed(1)}× cp`,
  });
  await rm(out, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const sizes = (flagValue(argv, '--sizes') ?? '0.6,1.2,2.5').split(',');
  const unknown = sizes.filter((size) => !(size in SIZES));
  if (unknown.length > 0) throw new Error(`unknown size ${unknown.join(', ')}: choose from ${Object.keys(SIZES).join(', ')}`);
  if (!existsSync(OLIVE_CLI)) throw new Error(`${OLIVE_CLI} is missing: npm run build first`);
  const rounds = Number(flagValue(argv, '--rounds') ?? 3);
  const root = await mkdtemp(path.join(os.tmpdir(), 'olive-bench-build-'));
  console.log(`${os.availableParallelism()} CPUs; ${rounds} rounds per size; splits ${SPLITS}; context ${CONTEXT}`);
  try {
    for (const [i, size] of sizes.entries()) {
      const { runs, bytes, model } = await benchSize(root, size, rounds);
      reportSize(size, bytes, runs);
      if (i === sizes.length - 1 && !argv.includes('--no-validated-run')) await validatedRun(root, model, bytes, median(runs.cp.map((run) => run.seconds)));
      await rm(model, { recursive: true, force: true });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
