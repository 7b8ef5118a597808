/**
 * Accuracy of the ONNX Runtime allocation estimate (src/plan/ort-allocation.ts): synthetic checkpoints of real
 * shapes (llama, qwen2 with tied embeddings, phi3; 340-420 MB of fp32 weights, distinct bytes per tensor so that
 * ONNX Runtime cannot share packed copies) go through `olive auto-opt --num-splits N` at fp32, fp16 and int4;
 * validation measures each split's peak RSS in its own process at the plan's context length, beside the estimate
 * for that length. Prints measured, estimate and measured/estimate per split (median over --repeat runs).
 * `node bin/run-ts.js bench/memory.ts [--repeat 3] [--only llama] [--keep]`; everything lives in a temp folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatBytes } from '../src/format/bytes.ts';
import { formatTable } from '../src/format/table.ts';
import { parseConfig } from '../src/hf/config.ts';
import { reportFigure } from './figures.ts';
import { writeSyntheticCheckpoint } from './synthetic-checkpoint.ts';

const CONTEXT = 1024;
const BASE = { hidden_act: 'silu', rms_norm_eps: 1e-5, rope_theta: 10000, bos_token_id: 1, eos_token_id: 2, torch_dtype: 'float32', max_position_embeddings: CONTEXT };
const MODELS: Record<string, { config: object; splits: number }> = {
  llama: { splits: 2, config: { ...BASE, architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 32000, hidden_size: 768, intermediate_size: 2048, num_hidden_layers: 8, num_attention_heads: 12, num_key_value_heads: 4, tie_word_embeddings: false } },
  qwen2: { splits: 3, config: { ...BASE, architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', vocab_size: 32000, hidden_size: 768, intermediate_size: 2048, num_hidden_layers: 10, num_attention_heads: 12, num_key_value_heads: 2, tie_word_embeddings: true } },
  phi3: { splits: 4, config: { ...BASE, architectures: ['Phi3ForCausalLM'], model_type: 'phi3', vocab_size: 32064, hidden_size: 768, intermediate_size: 2048, num_hidden_layers: 8, num_attention_heads: 12, num_key_value_heads: 12, tie_word_embeddings: false } },
};
const PRECISIONS = ['fp32', 'fp16', 'int4'] as const;
const AIM = 0.15;
/** The runtime budget each model is then planned under with --budget-covers runtime (fp32, CPU). */
const RUNTIME_BUDGET = '600MB';

interface Measured {
  file: string;
  peak: number;
  estimate: number;
}

function option(args: string[], name: string): string | undefined {
  return args.includes(name) ? args[args.indexOf(name) + 1] : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function olive(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const cli = path.join(import.meta.dirname, '..', 'src', 'olive.ts');
  const runner = path.join(import.meta.dirname, '..', 'bin', 'run-ts.js');
  return spawnSync(process.execPath, [runner, cli, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function memoryOf(stdout: string): Measured[] {
  const memory = (JSON.parse(stdout) as { validation: { memory: { file: string; peak_rss_bytes: number; estimate_bytes: number }[] } }).validation.memory;
  return memory.map((split) => ({ file: split.file, peak: split.peak_rss_bytes, estimate: split.estimate_bytes }));
}

function autoOpt(model: string, precision: string, splits: number, out: string): Measured[] {
  const run = olive(['auto-opt', '-m', model, '--precision', precision, '--num-splits', String(splits), '-o', out, '--force', '--json']);
  if (run.status !== 0) throw new Error(`auto-opt ${precision} failed: ${run.stderr.trim().split('\n').pop()}`);
  return memoryOf(run.stdout);
}

/** A --budget-covers runtime plan: every split measured within the budget (exit 0), or the run's one error line. */
function runtimeBudgetRun(model: string, out: string): string {
  const run = olive(['auto-opt', '-m', model, '--memory', RUNTIME_BUDGET, '--budget-covers', 'runtime', '-o', out, '--force', '--json']);
  if (run.status !== 0) return `exit ${run.status}: ${run.stderr.trim().split('\n').pop()}`;
  const splits = memoryOf(run.stdout);
  const largest = Math.max(...splits.map((split) => split.peak));
  return `exit 0: ${splits.length} splits, measured ${splits.map((split) => formatBytes(split.peak)).join(', ')} (largest ${formatBytes(largest)}), estimates ${splits.map((split) => formatBytes(split.estimate)).join(', ')}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const repeat = Number(option(args, '--repeat') ?? '1');
  const only = option(args, '--only');
  const root = await mkdtemp(path.join(os.tmpdir(), 'olive-memory-bench-'));
  const rows: string[][] = [];
  const ratios: number[] = [];
  const budgetRuns: string[] = [];
  try {
    for (const [family, { config, splits }] of Object.entries(MODELS)) {
      if (only && only !== family) continue;
      const hf = path.join(root, `hf-${family}`);
      await mkdir(hf);
      const bytes = await writeSyntheticCheckpoint(hf, parseConfig('config.json', JSON.stringify(config)), 'F32', { distinctTensors: true });
      for (const precision of PRECISIONS) {
        const runs = Array.from({ length: repeat }, () => autoOpt(hf, precision, splits, path.join(root, `out-${family}-${precision}`)));
        runs[0].forEach((split, index) => {
          const peak = median(runs.map((run) => run[index].peak));
          const ratio = peak / split.estimate;
          ratios.push(ratio);
          const verdict = Math.abs(ratio - 1) <= AIM ? 'within ±15 %' : 'MISS';
          rows.push([`${family} (${formatBytes(bytes)} fp32)`, precision, `${index + 1}/${splits}`, formatBytes(peak), formatBytes(split.estimate), ratio.toFixed(2), verdict]);
          reportFigure({
            bench: 'memory',
            figure: `${family} ${precision} split ${index + 1}/${splits}, peak RSS at a ${CONTEXT}-token prefill (median of ${repeat})`,
            value: `${formatBytes(peak)} measured, ${formatBytes(split.estimate)} estimated`,
            ratio: `${ratio.toFixed(2)}× the estimate`,
            aim: `±${AIM * 100} %: ${Math.abs(ratio - 1) <= AIM ? 'met' : 'not met'}`,
          });
        });
        console.error(`${family} ${precision}: done`);
      }
      if (!args.includes('--no-budget')) budgetRuns.push(`  ${family} fp32 --memory ${RUNTIME_BUDGET} --budget-covers runtime: ${runtimeBudgetRun(hf, path.join(root, `out-${family}-budget`))}`);
    }
    console.log(`peak RSS per split at the plan's context length (${CONTEXT}-token prefill), CPUExecutionProvider, median of ${repeat} run(s):`);
    console.log(formatTable(['model', 'precision', 'split', 'measured', 'estimate', 'measured/estimate', `aim ±${AIM * 100} %`], rows));
    const within = ratios.filter((ratio) => Math.abs(ratio - 1) <= AIM).length;
    console.log(`${within} of ${ratios.length} splits within ±15 %; median ratio ${median(ratios).toFixed(2)}, range ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`);
    if (budgetRuns.length > 0) console.log(['runtime budgets, each split measured at the planned context length:', ...budgetRuns].join('\n'));
  } finally {
    if (!args.includes('--keep')) await rm(root, { recursive: true, force: true });
  }
}

await main();
