/** Greedy generation through a split folder gives the tokens the whole model gives. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDecoder } from '../../src/convert/index.ts';
import { planEqualSplits } from '../../src/plan/plan-equal-splits.ts';
import { generateGreedy } from '../../src/runtime/generate-greedy.ts';
import { splitModel } from '../../src/split/split-model.ts';

let work: string;
let wholeModel: string;
let splitDir: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'olive-generate-'));
  const built = await buildDecoder({ modelDir: path.resolve('fixtures/tiny-qwen2'), outDir: path.join(work, 'whole'), precision: 'fp32', provider: 'CPUExecutionProvider' });
  wholeModel = built.modelPath;
  splitDir = path.join(work, 'split');
  await splitModel({ modelPath: wholeModel, plan: planEqualSplits(built.numLayers, 3), outDir: splitDir, validate: false });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('generateGreedy', () => {
  it('generates the same tokens from the 3 splits as from the whole model', async () => {
    const prompt = [5, 17, 42, 8];
    const whole = await generateGreedy({ model: wholeModel, promptIds: prompt, maxNewTokens: 6 });
    const cascade = await generateGreedy({ model: splitDir, promptIds: prompt, maxNewTokens: 6 });
    expect(whole).toHaveLength(6);
    expect(cascade).toEqual(whole);
  });

  it('stops at the end-of-sequence token', async () => {
    const [first] = await generateGreedy({ model: splitDir, promptIds: [3, 4], maxNewTokens: 1 });
    const stopped = await generateGreedy({ model: splitDir, promptIds: [3, 4], maxNewTokens: 5, eosTokenId: first });
    expect(stopped).toEqual([first]);
  });

  it('refuses an empty prompt and a missing model with one-line errors', async () => {
    await expect(generateGreedy({ model: splitDir, promptIds: [], maxNewTokens: 1 })).rejects.toThrow('promptIds is empty');
    await expect(generateGreedy({ model: path.join(work, 'nope'), promptIds: [1], maxNewTokens: 1 })).rejects.toThrow('model not found');
  });
});
