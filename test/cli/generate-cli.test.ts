/** `olive generate` on tiny-llama outputs: one text from every layout and memory mode; each bad input one error line. */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GenerateTextResult } from '../../src/generate/types.ts';
import { buildFixtureOutputs, type FixtureOutputs } from '../generate/fixture-outputs.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';
import { runOlive as olive } from './run-olive.ts';

const tempDir = useTempDirs('generate-cli');
let outputs: FixtureOutputs;
const PROMPT = 'w5 w17 w42 w8';

beforeAll(async () => {
  outputs = await buildFixtureOutputs(await tempDir(), path.resolve('fixtures/tiny-llama'), [2, 3]);
});

async function generateJson(args: string[]): Promise<GenerateTextResult> {
  const run = await olive(['generate', ...args, '--json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as GenerateTextResult;
}

async function copyOf(folder: string, name: string): Promise<string> {
  const copy = path.join(await tempDir(), name);
  await cp(folder, copy, { recursive: true });
  return copy;
}

function expectOneErrorLine(run: { code: number; stdout: string; stderr: string }, message: string | RegExp): void {
  expect(run.code).not.toBe(0);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  if (typeof message === 'string') expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
}

describe('olive generate', () => {
  it('streams the same greedy text from the unsplit folder, 2 and 3 splits and --low-memory, with a stats line', async () => {
    const runs = await Promise.all([
      olive(['generate', '-m', outputs.unsplit, '--prompt', PROMPT, '--max-new-tokens', '8']),
      olive(['generate', '-m', outputs.split[2], '--prompt', PROMPT, '--max-new-tokens', '8']),
      olive(['generate', '-m', outputs.split[3], '--prompt', PROMPT, '--max-new-tokens', '8']),
      olive(['generate', '-m', outputs.split[3], '--prompt', PROMPT, '--max-new-tokens', '8', '--low-memory']),
      olive(['generate', '-m', outputs.split[3], '--prompt', PROMPT, '--max-new-tokens', '8', '--max-memory', '1KB']),
      olive(['generate', '-m', path.join(outputs.unsplit, 'model.onnx'), '--prompt', PROMPT, '--max-new-tokens', '8']),
    ]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const text = runs[0].stdout;
    expect(text.trim().split(' ')).toHaveLength(8);
    for (const run of runs) expect(run.stdout).toBe(text);
    expect(runs[3].stderr).toMatch(/^prompt 4 tokens, generated 8 \(max_new_tokens\); prefill [\d.]+ tokens\/s, decode [\d.]+ tokens\/s; peak RSS [\d.]+ [KMG]?B \(3 splits, low-memory, CPUExecutionProvider\)\n$/);
  });

  it('prints one JSON document with --json, and --prompt-ids gives what --prompt gives', async () => {
    const byText = await generateJson(['-m', outputs.split[2], '--prompt', PROMPT, '--max-new-tokens', '5']);
    const byIds = await generateJson(['-m', outputs.split[2], '--prompt-ids', '5,17,42,8', '--max-new-tokens', '5']);
    expect(byText.prompt_token_ids).toEqual([5, 17, 42, 8]);
    expect(byIds.token_ids).toEqual(byText.token_ids);
    expect(byIds.text).toBe(byText.text);
    expect(byText).toMatchObject({ prompt_tokens: 4, new_tokens: 5, memory_mode: 'resident', layout: 'split', model_files: ['split_0.onnx', 'split_1.onnx'] });
    for (const key of ['prefill_tokens_per_s', 'decode_tokens_per_s', 'peak_rss_bytes'] as const) expect(byText[key]).toBeGreaterThan(0);
  });

  it('stops at an end-of-sequence id from genai_config.json (a list)', async () => {
    const { token_ids: free } = await generateJson(['-m', outputs.unsplit, '--prompt', PROMPT, '--max-new-tokens', '6']);
    const folder = await copyOf(outputs.unsplit, 'eos');
    const genai = path.join(folder, 'genai_config.json');
    const config = JSON.parse(await readFile(genai, 'utf8'));
    config.model.eos_token_id = [999, free[2]];
    await writeFile(genai, JSON.stringify(config));
    const stopped = await generateJson(['-m', folder, '--prompt', PROMPT, '--max-new-tokens', '6']);
    expect(stopped.token_ids).toEqual(free.slice(0, free.indexOf(free[2]) + 1));
    expect(stopped.stop_reason).toBe('eos');
  });

  it('renders the fixture chat template with --chat and --system', async () => {
    const result = await generateJson(['-m', outputs.split[3], '--prompt', 'w5 w6', '--chat', '--system', 'w7', '--max-new-tokens', '2']);
    // <s> w10 (system) w7 w13 (end of turn) w11 (user) w5 w6 w13 w14 (generation prompt)
    expect(result.prompt_token_ids).toEqual([1, 10, 7, 13, 11, 5, 6, 13, 14]);
  });

  it('samples reproducibly with --do-sample and a seed', async () => {
    const args = ['-m', outputs.split[2], '--prompt', PROMPT, '--max-new-tokens', '12', '--do-sample', '--temperature', '50'];
    const first = await generateJson([...args, '--seed', '11']);
    const again = await generateJson([...args, '--seed', '11']);
    const other = await generateJson([...args, '--seed', '12']);
    const lowMemory = await generateJson([...args, '--seed', '11', '--low-memory']);
    expect(again.token_ids).toEqual(first.token_ids);
    expect(lowMemory.token_ids).toEqual(first.token_ids);
    expect(other.token_ids).not.toEqual(first.token_ids);
  });

  describe('bad input: one error line, non-zero exit', () => {
    it('a folder with a split file missing names the file', async () => {
      const folder = await copyOf(outputs.split[3], 'missing');
      await rm(path.join(folder, 'split_2.onnx'));
      expectOneErrorLine(await olive(['generate', '-m', folder, '--prompt', PROMPT]), 'is missing split_2.onnx');
    });

    it('a manifest naming a file outside the folder', async () => {
      const folder = await copyOf(outputs.split[2], 'outside');
      const manifest = path.join(folder, 'model_config.json');
      const text = await readFile(manifest, 'utf8');
      await writeFile(manifest, text.replace('"split_1.onnx"', '"../../split_1.onnx"'));
      expectOneErrorLine(await olive(['generate', '-m', folder, '--prompt', PROMPT]), 'onnx_file_name is not a file name in the folder');
    });

    it('no tokenizer.json with --prompt suggests --prompt-ids (which still works)', async () => {
      const folder = await copyOf(outputs.split[2], 'no-tokenizer');
      await rm(path.join(folder, 'tokenizer.json'));
      expectOneErrorLine(await olive(['generate', '-m', folder, '--prompt', PROMPT]), /no tokenizer\.json in .*: give token ids with --prompt-ids/);
      const ids = await generateJson(['-m', folder, '--prompt-ids', '5,17,42,8', '--max-new-tokens', '2']);
      expect(ids.text).toBeNull();
    });

    it('a prompt longer than the context', async () => {
      const ids = Array.from({ length: 200 }, (_, i) => i % 100).join(',');
      expectOneErrorLine(await olive(['generate', '-m', outputs.split[2], '--prompt-ids', ids]), "the prompt is 200 tokens, but the model's context is 128 tokens");
    });

    it('a token id outside the vocabulary', async () => {
      expectOneErrorLine(await olive(['generate', '-m', outputs.split[2], '--prompt-ids', '5,192']), "token id 192 is outside the model's vocabulary (0 to 191)");
    });

    it('--chat without a template', async () => {
      const folder = await copyOf(outputs.split[2], 'no-template');
      await rm(path.join(folder, 'chat_template.jinja'));
      expectOneErrorLine(await olive(['generate', '-m', folder, '--prompt', 'w5', '--chat']), 'has no chat template');
    });

    it('an unloadable split names it and the provider', async () => {
      const folder = await copyOf(outputs.split[3], 'broken');
      await writeFile(path.join(folder, 'split_1.onnx'), 'not an onnx model');
      expectOneErrorLine(await olive(['generate', '-m', folder, '--prompt', PROMPT]), "cannot load 'split_1.onnx' on CPUExecutionProvider");
    });

    it('flags that do not go together, and a missing model', async () => {
      const m = ['generate', '-m', outputs.split[2]];
      expectOneErrorLine(await olive([...m]), 'give one of --prompt TEXT or --prompt-ids 1,2,3');
      expectOneErrorLine(await olive([...m, '--prompt', 'w5', '--prompt-ids', '5']), 'give one of --prompt TEXT or --prompt-ids 1,2,3');
      expectOneErrorLine(await olive([...m, '--prompt-ids', '5', '--chat']), '--chat renders a text prompt');
      expectOneErrorLine(await olive([...m, '--prompt-ids', '5,x']), '--prompt-ids must be token ids separated by commas');
      expectOneErrorLine(await olive([...m, '--prompt-ids', '5', '--top-p', '1.5', '--do-sample']), '--top-p must be more than 0 and at most 1');
      expectOneErrorLine(await olive([...m, '--prompt-ids', '5', '--low-memory', '--max-memory', '1GB']), 'two memory modes');
      expectOneErrorLine(await olive([...m, '--prompt-ids', '5', '--max-memory', 'lots']), "--max-memory 'lots' is not a memory size");
      expectOneErrorLine(await olive(['generate', '-m', path.join(outputs.unsplit, 'nope'), '--prompt-ids', '5']), 'model not found');
    });
  });
});
