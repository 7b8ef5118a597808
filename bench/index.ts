/**
 * `npm run bench`: every benchmark, each in its own process so its peak RSS is its own, then BENCHMARKS.md
 * written from the figures they print (bench/figures.ts): the machine, the commands, and the table.
 * Name some to run only those: `npm run bench -- plan quantize` (BENCHMARKS.md is then left as it is unless
 * `--write`). `--quick` skips the biggest cases (generate on the 1.2 GB checkpoint, not 2.5 GB); `--rounds N`
 * sets the rounds of the interleaved benchmarks. Large ones write a few GB to the temp folder and delete them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FIGURE_PREFIX, flagValue, ROOT, type Figure } from './figures.ts';

interface Bench {
  file: string;
  args: (flags: HarnessFlags) => string[];
  what: string;
  /** Whether its figures go into BENCHMARKS.md (the others are diagnostics). */
  reported: boolean;
}

interface HarnessFlags {
  quick: boolean;
  rounds: string | undefined;
}

const rounds = (flags: HarnessFlags) => (flags.rounds ? ['--rounds', flags.rounds] : []);

const BENCHES: Record<string, Bench> = {
  plan: { file: 'plan.ts', args: () => [], what: 'planner on a 10,000-module table', reported: true },
  quantize: { file: 'quantize.ts', args: () => ['512'], what: 'int4/int8 quantization throughput on 512 MiB of fp32 weights', reported: true },
  'build-large': { file: 'build-large.ts', args: rounds, what: 'auto-opt fp16 and int4 with 4 splits against cp of the checkpoint, 0.6 / 1.2 / 2.5 GB', reported: true },
  'onnx-split': { file: 'onnx-split.ts', args: rounds, what: "splitting an ONNX model against onnx's Extractor, under and over 2 GB", reported: true },
  memory: {
    file: 'memory.ts',
    args: () => ['--repeat', '3'],
    what: 'ONNX Runtime allocation estimate vs measured peak per split (llama, qwen2 tied, phi3 × fp32, fp16, int4)',
    reported: true,
  },
  generate: {
    file: 'generate.ts',
    args: (flags) => [...rounds(flags), ...(flags.quick ? ['--quick'] : [])],
    what: 'olive generate: unsplit vs 4 splits resident and --low-memory (int4)',
    reported: true,
  },
  'split-report': { file: 'split-report.ts', args: () => [], what: 'split + validation report with peak RSS per split', reported: false },
  'onnx-large': { file: 'onnx-large.ts', args: () => [], what: 'write and re-read a > 2 GiB model with bounded memory', reported: false },
};

const RUNNER = path.join(ROOT, 'bin', 'run-ts.js');

function commandOf(name: string, flags: HarnessFlags): string[] {
  return [path.join('bench', BENCHES[name].file), ...BENCHES[name].args(flags)];
}

/** Run one benchmark, its output passed through, its figures collected. */
function runBench(name: string, flags: HarnessFlags): Promise<{ status: number; figures: Figure[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUNNER, ...commandOf(name, flags)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    const figures: Figure[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.startsWith(FIGURE_PREFIX)) figures.push(JSON.parse(line.slice(FIGURE_PREFIX.length)) as Figure);
    });
    child.on('close', (code) => resolve({ status: code ?? 1, figures }));
  });
}

/** The compiled package: benchmarks run the CLI as it ships. */
function build(): void {
  const run = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) throw new Error('npm run build failed');
}

function machine(): string[] {
  const cpus = os.cpus();
  const disk = statfsSync(os.tmpdir());
  const python = spawnSync('/usr/bin/python3', ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' });
  return [
    `- CPU: ${cpus[0]?.model ?? 'unknown'}, ${os.availableParallelism()} cores available (shared with other work while measured)`,
    `- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; temp folder ${os.tmpdir()} with ${((disk.bavail * disk.bsize) / 1e9).toFixed(0)} GB free`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()}); Node ${process.version}; python3-onnx ${python.status === 0 ? python.stdout.trim() : 'missing'}`,
  ];
}

function cell(text: string | undefined): string {
  return (text ?? '').replace(/\|/g, '\\|');
}

function markdown(names: string[], flags: HarnessFlags, results: Map<string, { status: number; figures: Figure[] }>, started: Date): string {
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (bench/index.ts) on ${started.toISOString()}; do not edit by hand. Every figure below was measured in that run;`,
    'each ratio compares two measurements of the same run (medians of interleaved rounds where a benchmark has rounds).',
    '',
    '## Machine',
    '',
    ...machine(),
    '',
    '## Commands',
    '',
    ...names.map((name) => `- \`node bin/run-ts.js ${commandOf(name, flags).join(' ')}\` — ${BENCHES[name].what}${results.get(name)?.status === 0 ? '' : ' (FAILED)'}`),
    '',
    '## Figures',
    '',
    '| benchmark | figure | measured | ratio | aim |',
    '|---|---|---|---|---|',
    ...names.flatMap((name) => (results.get(name)?.figures ?? []).map((f) => `| ${f.bench} | ${cell(f.figure)} | ${cell(f.value)} | ${cell(f.ratio)} | ${cell(f.aim)} |`)),
    '',
    '## Notes',
    '',
    '- Peak RSS is /usr/bin/time\'s maximum resident set size of the command\'s process tree (worker threads and child processes included).',
    '- auto-opt runs are the compiled CLI (`dist/olive.js`) with `--no-validate` unless the figure says "with validation"; the 5 GB checkpoint size',
    '  is left out by default (disk and time): `node bin/run-ts.js bench/build-large.ts --sizes 5` adds it.',
    `- Before issue 14 (quoted from the issue, not measured here): int4 4-split of the 2.47 GB checkpoint 82.1 s at 5.2 GB peak RSS (29× cp);`,
    '  fp16 4-split 39.3 s at 292 MB (14× cp); onnx\'s Extractor 25.8 s at 4.5 GB against the split stage\'s 11.0 s at 292 MB.',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flags: HarnessFlags = { quick: argv.includes('--quick'), rounds: flagValue(argv, '--rounds') };
  const wanted = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--rounds');
  const unknown = wanted.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}: choose from ${Object.keys(BENCHES).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const started = new Date();
  build();
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  const results = new Map<string, { status: number; figures: Figure[] }>();
  for (const name of names) {
    console.log(`\n=== ${name}: ${BENCHES[name].what}`);
    const result = await runBench(name, flags);
    results.set(name, result);
    if (result.status !== 0) {
      console.error(`benchmark ${name} failed (exit ${result.status})`);
      process.exitCode = 1;
    }
  }
  if (wanted.length === 0 || argv.includes('--write')) {
    const reported = names.filter((name) => BENCHES[name].reported);
    await writeFile(path.join(ROOT, 'BENCHMARKS.md'), markdown(reported, flags, results, started));
    console.log('\nwrote BENCHMARKS.md');
  }
}

await main();
