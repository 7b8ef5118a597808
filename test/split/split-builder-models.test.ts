/**
 * The builder's tiny models of every architecture, at fp32, fp16 and int4, split 2, 3 and 4 ways — at layer
 * boundaries and inside layers — validate: the cascade gives the whole model's logits and present tensors.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDecoder } from '../../src/convert/index.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import { quantizeWeights } from '../../src/passes/quantize/quantize-weights.ts';
import type { ExecutionProvider } from '../../src/providers.ts';
import { splitModel } from '../../src/split/split-model.ts';
import { handPlan, layerModules } from './helpers/hand-plan.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const tempDir = useTempDirs('split-builder');
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');
const LAYERS = 4;

type Precision = 'fp32' | 'fp16' | 'int4' | 'int8';
type Ways = 2 | 3 | 4;

const PLANS: Record<Ways, string[][]> = {
  2: [['model.embed_tokens', ...layerModules(0, 1)], [...layerModules(2, 3), 'model.norm', 'lm_head']],
  3: [['model.layers.0', 'model.layers.1.self_attn'], ['model.layers.1.mlp', 'model.layers.2'], ['model.layers.3', 'model.norm', 'lm_head']],
  4: [['model.embed_tokens'], ['model.layers.0', 'model.layers.1.self_attn'], ['model.layers.1.mlp', 'model.layers.2.mlp.down_proj'], ['model.layers.3', 'lm_head']],
};

// Every architecture at every precision, and every architecture cut every number of ways.
const CASES: [string, Precision, Ways, ExecutionProvider][] = [
  ['llama', 'fp32', 2, 'CPUExecutionProvider'],
  ['llama', 'fp16', 3, 'CPUExecutionProvider'],
  ['llama', 'int4', 4, 'CPUExecutionProvider'],
  ['mistral', 'fp32', 3, 'CPUExecutionProvider'],
  ['mistral', 'fp16', 4, 'CPUExecutionProvider'],
  ['mistral', 'int4', 2, 'CPUExecutionProvider'],
  ['qwen2', 'fp32', 4, 'CPUExecutionProvider'],
  ['qwen2', 'fp16', 2, 'CPUExecutionProvider'],
  ['qwen2', 'int4', 3, 'CPUExecutionProvider'],
  ['phi3', 'fp32', 2, 'CPUExecutionProvider'],
  ['phi3', 'fp16', 3, 'CUDAExecutionProvider'],
  ['phi3', 'int4', 4, 'CPUExecutionProvider'],
  // the families of issue 13, each at every precision
  ['phi4', 'fp32', 2, 'CPUExecutionProvider'],
  ['phi4', 'fp16', 3, 'CPUExecutionProvider'],
  ['phi4', 'int4', 4, 'CPUExecutionProvider'],
  ['phi4', 'int8', 2, 'CPUExecutionProvider'],
  ['qwen3', 'fp32', 3, 'CPUExecutionProvider'],
  ['qwen3', 'fp16', 4, 'CPUExecutionProvider'],
  ['qwen3', 'int4', 2, 'CPUExecutionProvider'],
  ['qwen3', 'int8', 3, 'CPUExecutionProvider'],
  ['smollm3', 'fp32', 4, 'CPUExecutionProvider'],
  ['smollm3', 'fp16', 2, 'CPUExecutionProvider'],
  ['smollm3', 'int4', 3, 'CPUExecutionProvider'],
  ['smollm3', 'int8', 4, 'CPUExecutionProvider'],
  ['granite', 'fp32', 2, 'CPUExecutionProvider'],
  ['granite', 'fp16', 3, 'CPUExecutionProvider'],
  ['granite', 'int4', 4, 'CPUExecutionProvider'],
  ['granite', 'int8', 2, 'CPUExecutionProvider'],
  ['gemma3', 'fp32', 3, 'CPUExecutionProvider'],
  ['gemma3', 'fp16', 4, 'CPUExecutionProvider'],
  ['gemma3', 'int4', 2, 'CPUExecutionProvider'],
  ['gemma3', 'int8', 3, 'CPUExecutionProvider'],
];

async function builtModel(architecture: string, precision: Precision, provider: ExecutionProvider): Promise<string> {
  const outDir = await tempDir();
  const built = await buildDecoder({ modelDir: path.join(FIXTURES, `tiny-${architecture}`), outDir, precision: precision === 'fp16' ? 'fp16' : 'fp32', provider });
  if (precision !== 'int4' && precision !== 'int8') return built.modelPath;
  const quantized = await quantizeWeights((await readModel(built.modelPath)).model, { bits: precision === 'int4' ? 4 : 8, threads: 1 });
  const file = path.join(outDir, `model-${precision}.onnx`);
  try {
    await writeModel(file, quantized.model);
  } finally {
    await quantized.close();
  }
  return file;
}

describe.each(CASES)('tiny-%s at %s split %i ways (%s)', (architecture, precision, ways, provider) => {
  it('validates: the cascade equals the whole model through prefill and decode', async () => {
    const modelPath = await builtModel(architecture, precision, provider);
    const outDir = path.join(await tempDir(), 'split');
    const result = await splitModel({ modelPath, plan: handPlan(PLANS[ways], LAYERS), outDir, provider, measureMemory: false });
    const report = result.validation!;
    expect(report.passed).toBe(true);
    expect(report.steps).toHaveLength(4);
    expect(report.steps.every((step) => step.outputs.length === 1 + 2 * LAYERS)).toBe(true);
    expect(result.splits).toHaveLength(ways);
    expect(result.splits.flatMap((split) => split.outputs).filter((name) => /^present\.\d+\.(key|value)$/.test(name))).toHaveLength(2 * LAYERS);
    if (provider === 'CUDAExecutionProvider') expect(report.notChecked[0]).toMatch(/^CUDAExecutionProvider: not available here/);
  });
});
