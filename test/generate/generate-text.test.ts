/** generateText as a library call: the streamed pieces add up to the text, and the options reach the runtime. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateText } from '../../src/generate/generate-text.ts';
import { generateGreedy } from '../../src/runtime/generate-greedy.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';
import { buildFixtureOutputs, type FixtureOutputs } from './fixture-outputs.ts';

const tempDir = useTempDirs('generate-text');
let outputs: FixtureOutputs;

beforeAll(async () => {
  outputs = await buildFixtureOutputs(await tempDir(), path.resolve('fixtures/tiny-llama'), [2]);
});

describe('generateText', () => {
  it('streams pieces that add up to the text, and generates what generateGreedy does', async () => {
    const pieces: string[] = [];
    const result = await generateText({ model: outputs.split[2], prompt: 'w5 w17 w42 w8', maxNewTokens: 6, onText: (text) => pieces.push(text) });
    expect(pieces.join('')).toBe(result.text);
    expect(result.token_ids).toEqual(await generateGreedy({ model: outputs.unsplit, promptIds: [5, 17, 42, 8], maxNewTokens: 6 }));
    expect(result).toMatchObject({ new_tokens: 6, stop_reason: 'max_new_tokens', memory_mode: 'resident', layout: 'split' });
  });

  it('stops at the context and says so', async () => {
    const prompt = Array.from({ length: 125 }, (_, i) => 3 + (i % 50));
    const result = await generateText({ model: outputs.unsplit, promptIds: prompt, maxNewTokens: 10 });
    expect(result).toMatchObject({ new_tokens: 3, stop_reason: 'context' });
  });
});
