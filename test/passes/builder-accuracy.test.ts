/**
 * The tiny decoders the builder makes from fixtures/, quantized to int4 and int8 with the defaults auto-opt uses
 * (block 32, symmetric, accuracy_level 4 on CPU), against the fp32 model on a fixed prompt set: cosine similarity
 * of the logits and agreement of the top-1 token, position by position.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildDecoder, type BuildResult } from '../../src/convert/index.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import { quantizeWeights } from '../../src/passes/quantize/quantize-weights.ts';
import { cosine } from './onnx-test-models.ts';

const FIXTURES = ['tiny-llama', 'tiny-qwen2', 'tiny-phi3', 'tiny-mistral', 'tiny-phi4', 'tiny-qwen3', 'tiny-smollm3', 'tiny-granite', 'tiny-gemma3'];
/** Four prompts of eight token ids, spread over the fixtures' vocabularies (the smallest has 160 tokens). */
const PROMPTS = [
  [1, 15, 87, 23, 140, 9, 66, 101],
  [1, 158, 4, 55, 55, 12, 130, 77],
  [1, 33, 98, 151, 2, 45, 119, 8],
  [1, 72, 150, 31, 120, 27, 64, 3],
];

interface Agreement {
  meanCosine: number;
  minCosine: number;
  top1: number;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'olive-accuracy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function feeds(built: BuildResult, prompt: number[]): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const input of built.inputs) {
    if (input.name === 'input_ids') out[input.name] = new ort.Tensor('int64', BigInt64Array.from(prompt, BigInt), [1, prompt.length]);
    else if (input.name === 'attention_mask') out[input.name] = new ort.Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
    else if (input.name === 'position_ids') out[input.name] = new ort.Tensor('int64', BigInt64Array.from(prompt, (_, i) => BigInt(i)), [1, prompt.length]);
    else {
      // past_key_values.*: an empty cache [1, kv_heads, 0, head_size]
      const dims = input.dims.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0));
      out[input.name] = new ort.Tensor('float32', new Float32Array(0), dims);
    }
  }
  return out;
}

async function logitsPerPrompt(modelPath: string, built: BuildResult): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const all: Float32Array[] = [];
    for (const prompt of PROMPTS) all.push((await session.run(feeds(built, prompt))).logits.data as Float32Array);
    return all;
  } finally {
    await session.release();
  }
}

function compare(reference: Float32Array[], candidate: Float32Array[], vocab: number): Agreement {
  const cosines: number[] = [];
  let agreeing = 0;
  for (let p = 0; p < reference.length; p++) {
    for (let at = 0; at < reference[p].length; at += vocab) {
      const a = reference[p].subarray(at, at + vocab);
      const b = candidate[p].subarray(at, at + vocab);
      cosines.push(cosine(a, b));
      if (argmax(a) === argmax(b)) agreeing += 1;
    }
  }
  return { meanCosine: cosines.reduce((s, c) => s + c, 0) / cosines.length, minCosine: Math.min(...cosines), top1: agreeing / cosines.length };
}


function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * The smallest agreement each precision must keep; the measured figures are printed. The fixtures' weights are
 * random (no outliers, no structure), the hardest case for round-to-nearest, and 4 bits of a 64-wide hidden
 * state is coarse: int4 floors sit below what real checkpoints reach.
 */
const FLOOR: Record<'int4' | 'int8', Agreement> = {
  int8: { meanCosine: 0.999, minCosine: 0.995, top1: 0.85 },
  int4: { meanCosine: 0.95, minCosine: 0.9, top1: 0.6 },
};

describe('tiny builder models quantized vs fp32', () => {
  for (const fixture of FIXTURES) {
    it(`${fixture}: int4 and int8 stay close to fp32`, async () => {
      const built = await buildDecoder({
        modelDir: path.join('fixtures', fixture), outDir: path.join(dir, fixture), precision: 'fp32', provider: 'CPUExecutionProvider',
      });
      const reference = await logitsPerPrompt(built.modelPath, built);
      const vocab = reference[0].length / PROMPTS[0].length;
      for (const precision of ['int8', 'int4'] as const) {
        const { model } = await readModel(built.modelPath);
        const quantized = await quantizeWeights(model, { bits: precision === 'int4' ? 4 : 8, threads: 2 });
        const file = path.join(dir, fixture, `${precision}.onnx`);
        await writeModel(file, quantized.model);
        await quantized.close();
        const agreement = compare(reference, await logitsPerPrompt(file, built), vocab);
        console.log(`${fixture} ${precision}: ${quantized.report.quantized.count} products quantized (${quantized.report.quantized.nodes.map((n) => n.pattern).filter((p) => p !== 'matmul').join(', ') || 'all MatMul'}), ` +
          `${quantized.report.left.count} left; logits cosine mean ${agreement.meanCosine.toFixed(5)} min ${agreement.minCosine.toFixed(5)}, top-1 agreement ${(agreement.top1 * 100).toFixed(1)}%`);
        expect(quantized.report.quantized.count).toBeGreaterThanOrEqual(built.numLayers * 4);
        expect(agreement.meanCosine).toBeGreaterThanOrEqual(FLOOR[precision].meanCosine);
        expect(agreement.minCosine).toBeGreaterThanOrEqual(FLOOR[precision].minCosine);
        expect(agreement.top1).toBeGreaterThanOrEqual(FLOOR[precision].top1);
      }
    });
  }
});
