/**
 * One end-to-end split with its validation report: a synthetic Llama-shaped checkpoint (about 130 MB fp32,
 * pseudo-random weights) is built to ONNX, planned under a runtime memory budget by plan/, split, validated
 * (prefill + decode through the KV cache, whole vs cascade) and each split's peak RSS measured in a child process.
 * `node bin/run-ts.js bench/split-report.ts [--budget 250MB] [--keep]`; everything lives in a temporary folder.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeModules } from '../src/arch/describe-modules.ts';
import { buildDecoder } from '../src/convert/index.ts';
import { costTable } from '../src/cost/cost-table.ts';
import { parseConfig } from '../src/hf/config.ts';
import { formatPlanTable } from '../src/plan/format-plan-table.ts';
import { parseMemory } from '../src/plan/parse-memory.ts';
import { planMemorySplits } from '../src/plan/plan-memory-splits.ts';
import { runtimeModelFromConfig } from '../src/plan/runtime-model-from-config.ts';
import { formatBytes } from '../src/format/bytes.ts';
import { formatValidationReport } from '../src/runtime/index.ts';
import { runtimeOverhead } from '../src/runtime/measure-ort-overhead.ts';
import { splitModel } from '../src/split/index.ts';
import { writeSyntheticCheckpoint } from './synthetic-checkpoint.ts';

const CONFIG = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  vocab_size: 16000,
  hidden_size: 512,
  intermediate_size: 1536,
  num_hidden_layers: 8,
  num_attention_heads: 8,
  num_key_value_heads: 4,
  hidden_act: 'silu',
  max_position_embeddings: 512,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  tie_word_embeddings: true,
  bos_token_id: 1,
  eos_token_id: 2,
  torch_dtype: 'float32',
};




async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const budget = parseMemory(args.includes('--budget') ? args[args.indexOf('--budget') + 1] : '250MB');
  const root = await mkdtemp(path.join(os.tmpdir(), 'olive-split-report-'));
  try {
    const modelDir = path.join(root, 'hf');
    await mkdir(modelDir);
    const configText = JSON.stringify(CONFIG);
    await writeSyntheticCheckpoint(modelDir, parseConfig('config.json', configText), 'F32', { distinctTensors: true });
    const built = await buildDecoder({ modelDir, outDir: path.join(root, 'onnx'), precision: 'fp32', provider: 'CPUExecutionProvider' });
    console.log(`built ${built.modelPath}: ${formatBytes(built.weightBytes)} of weights`);
    const config = parseConfig('config.json', configText);
    const overhead = await runtimeOverhead('CPUExecutionProvider');
    const plan = planMemorySplits(costTable(describeModules(config), 'fp32'), budget, {
      model: { ...runtimeModelFromConfig(config, 'fp32'), overheadBytes: overhead.bytes, overheadSource: overhead.source },
      budgetCovers: 'runtime',
    });
    console.log(formatPlanTable(plan));
    const started = Date.now();
    const result = await splitModel({ modelPath: built.modelPath, plan, outDir: path.join(root, 'split'), modelAttributes: CONFIG });
    console.log(`split and validated in ${((Date.now() - started) / 1000).toFixed(1)} s; shared initializers: ${result.sharedInitializers.map((s) => `${s.name} ${formatBytes(s.bytes)} ×${s.splits.length}`).join(', ')} (${formatBytes(result.duplicatedBytes)} duplicated)`);
    console.log(formatValidationReport(result.validation!));
  } finally {
    if (!args.includes('--keep')) await rm(root, { recursive: true, force: true });
  }
}

await main();
