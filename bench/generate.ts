/**
 * `olive generate` on a Llama-3.2-1B-shaped synthetic checkpoint (bf16, about 2.5 GB, pseudo-random weights)
 * converted to int4: the unsplit model against 4 equal splits, resident and --low-memory. Each generation runs
 * in its own `olive generate --json` child process, so its peak RSS is its own; rounds interleave the three modes
 * (the machine is shared) and the medians are compared as ratios in one run.
 * `node bin/run-ts.js bench/generate.ts [--precision int4|fp16] [--rounds 3] [--tokens 24] [--work DIR] [--keep] [--quick]`:
 * with --work the outputs are built there once and reused; otherwise everything lives in a temporary folder.
 * --quick uses a 1.2 GB checkpoint (8 layers, 64,000-token vocabulary) instead of the 2.5 GB one.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { formatBytes } from '../src/format/bytes.ts';
import type { GenerateTextResult } from '../src/generate/types.ts';
import { planEqualSplits } from '../src/plan/plan-equal-splits.ts';
import { measureChildMemory } from '../src/runtime/measure-peak-rss.ts';
import { splitModel } from '../src/split/index.ts';
import { LLAMA_3_2_1B_CONFIG as CONFIG } from './llama-1b-config.ts';
import { writeSyntheticCheckpoint } from './synthetic-checkpoint.ts';
import { median } from '../src/generate/median.ts';
import { reportFigure } from './figures.ts';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The command line from its sources, through tsx (as tests and scripts run it). */
const OLIVE = [path.join(ROOT, 'bin', 'run-ts.js'), path.join(ROOT, 'src', 'olive.ts')];

const SPLITS = 4;
/** Rotary caches for this context only: the full 131072 would add cache bytes that say nothing about splitting. */
const CONTEXT = 2048;
const PROMPT_IDS = Array.from({ length: 16 }, (_, i) => 1000 + i * 37);
/** --low-memory loads every split at every step: fewer tokens keep its rounds short. */
const LOW_MEMORY_TOKENS = 6;

interface Args {
  precision: string;
  rounds: number;
  tokens: number;
  work: string | undefined;
  keep: boolean;
  quick: boolean;
}

/** --quick: the checkpoint of the 1.2 GB class instead of the full Llama-3.2-1B shapes. */
function benchConfig(quick: boolean): typeof CONFIG {
  return quick ? { ...CONFIG, vocab_size: 64000, num_hidden_layers: 8 } : CONFIG;
}

function parseArgs(argv: string[]): Args {
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  return {
    precision: value('--precision') ?? 'int4',
    rounds: Number(value('--rounds') ?? 3),
    tokens: Number(value('--tokens') ?? 24),
    work: value('--work'),
    keep: argv.includes('--keep'),
    quick: argv.includes('--quick'),
  };
}

async function buildOutputs(root: string, precision: string, config: typeof CONFIG): Promise<{ unsplit: string; split: string; checkpointBytes: number }> {
  const hf = path.join(root, 'hf');
  const unsplit = path.join(root, `unsplit-${precision}`);
  const split = path.join(root, `split${SPLITS}-${precision}`);
  if (!existsSync(path.join(hf, 'model.safetensors'))) {
    await mkdir(hf, { recursive: true });
    await writeSyntheticCheckpoint(hf, config, 'BF16');
  }
  const checkpointBytes = (await stat(path.join(hf, 'model.safetensors'))).size;
  if (!existsSync(unsplit)) {
    const start = performance.now();
    await run(process.execPath, [...OLIVE, 'auto-opt', '-m', hf, '-o', unsplit, '--precision', precision, '--context-length', String(CONTEXT), '--no-validate'], { maxBuffer: 1 << 24 });
    console.log(`converted to ${precision} in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  }
  if (!existsSync(split)) {
    await splitModel({ modelPath: path.join(unsplit, 'model.onnx'), plan: planEqualSplits(config.num_hidden_layers, SPLITS), outDir: split, validate: false });
  }
  return { unsplit, split, checkpointBytes };
}

async function generate(model: string, tokens: number, extra: string[]): Promise<GenerateTextResult> {
  const args = [...OLIVE, 'generate', '-m', model, '--prompt-ids', PROMPT_IDS.join(','), '--max-new-tokens', String(tokens), '--json', ...extra];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as GenerateTextResult;
}


async function folderBytes(dir: string, files: string[]): Promise<number> {
  let total = 0;
  for (const file of files) for (const name of [file, `${file}.data`]) total += existsSync(path.join(dir, name)) ? (await stat(path.join(dir, name))).size : 0;
  return total;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = args.work ?? (await mkdtemp(path.join(os.tmpdir(), 'olive-bench-generate-')));
  try {
    const { unsplit, split, checkpointBytes } = await buildOutputs(root, args.precision, benchConfig(args.quick));
    const modes = {
      unsplit: () => generate(unsplit, args.tokens, []),
      resident: () => generate(split, args.tokens, []),
      'low-memory': () => generate(split, LOW_MEMORY_TOKENS, ['--low-memory']),
    };
    const results: Record<string, GenerateTextResult[]> = { unsplit: [], resident: [], 'low-memory': [] };
    for (let round = 0; round < args.rounds; round++) {
      for (const [mode, go] of Object.entries(modes)) results[mode].push(await go());
    }
    const same = results.resident.every((r) => r.token_ids.join() === results.unsplit[0].token_ids.join());
    const lowSame = results['low-memory'].every((r) => r.token_ids.join() === results.unsplit[0].token_ids.slice(0, LOW_MEMORY_TOKENS).join());
    const summary = Object.fromEntries(
      Object.entries(results).map(([mode, runs]) => [
        mode,
        { peakRss: median(runs.map((r) => r.peak_rss_bytes)), msPerToken: median(runs.map((r) => r.decode_ms_per_token_median ?? NaN)), files: runs[0].model_files },
      ]),
    );
    const unsplitFiles = await folderBytes(unsplit, summary.unsplit.files);
    const splitSizes = await Promise.all(summary.resident.files.map((file) => folderBytes(split, [file])));
    console.log(`checkpoint ${formatBytes(checkpointBytes)} bf16 (Llama-3.2-1B shapes) → ${args.precision}: unsplit ${formatBytes(unsplitFiles)}, ${SPLITS} splits ${splitSizes.map(formatBytes).join(' + ')}`);
    console.log(`prompt ${PROMPT_IDS.length} tokens; ${args.tokens} new tokens (low-memory ${LOW_MEMORY_TOKENS}); medians of ${args.rounds} interleaved rounds, each a child process`);
    for (const [mode, s] of Object.entries(summary)) {
      console.log(`  ${mode.padEnd(10)} peak RSS ${formatBytes(s.peakRss).padStart(10)}   decode ${s.msPerToken.toFixed(1)} ms/token (${(1000 / s.msPerToken).toFixed(2)} tokens/s)`);
    }
    // a child with Node and ONNX Runtime loaded, before any model: what every generation's peak includes
    const { baselineBytes } = await measureChildMemory(path.join(split, summary.resident.files[1]), 'cpu');
    const aboveBaseline = (bytes: number) => bytes - baselineBytes;
    console.log(`low-memory peak RSS / unsplit: ${(summary['low-memory'].peakRss / summary.unsplit.peakRss).toFixed(2)}× (aim ≤ 0.4×); ` +
      `above the ${formatBytes(baselineBytes)} a process has before loading a model: ${(aboveBaseline(summary['low-memory'].peakRss) / aboveBaseline(summary.unsplit.peakRss)).toFixed(2)}×`);
    console.log(`resident cascade decode tokens/s / unsplit: ${(summary.unsplit.msPerToken / summary.resident.msPerToken).toFixed(2)}× (aim ≥ 0.95×)`);
    console.log(`low-memory decode tokens/s / unsplit: ${(summary.unsplit.msPerToken / summary['low-memory'].msPerToken).toFixed(3)}×`);
    console.log(`same tokens as unsplit: resident ${same ? 'yes' : 'NO'}, low-memory ${lowSame ? 'yes' : 'NO'}`);
    const model = `${formatBytes(checkpointBytes)} checkpoint → ${args.precision}`;
    for (const [mode, s] of Object.entries(summary)) {
      reportFigure({ bench: 'generate', figure: `olive generate ${mode}, ${model}${mode === 'unsplit' ? '' : `, ${SPLITS} splits`}`, value: `decode ${s.msPerToken.toFixed(1)} ms/token, peak RSS ${formatBytes(s.peakRss)}` });
    }
    const residentRatio = summary.unsplit.msPerToken / summary.resident.msPerToken;
    const lowRatio = summary['low-memory'].peakRss / summary.unsplit.peakRss;
    reportFigure({ bench: 'generate', figure: `cascade decode overhead (resident ${SPLITS} splits vs unsplit), ${model}`, value: `tokens ${same ? 'identical' : 'DIFFER'}`, ratio: `${residentRatio.toFixed(2)}× unsplit tokens/s`, aim: `≥ 0.95×: ${residentRatio >= 0.95 ? 'met' : 'not met'}` });
    reportFigure({ bench: 'generate', figure: `--low-memory peak RSS vs unsplit, ${model}`, value: `tokens ${lowSame ? 'identical' : 'DIFFER'}; ${(aboveBaseline(summary['low-memory'].peakRss) / aboveBaseline(summary.unsplit.peakRss)).toFixed(2)}× above the process baseline`, ratio: `${lowRatio.toFixed(2)}× unsplit peak`, aim: `≤ 0.4×: ${lowRatio <= 0.4 ? 'met' : 'not met'}` });
  } finally {
    if (!args.work && !args.keep) await rm(root, { recursive: true, force: true });
  }
}

await main();
