/** The cascade runtime on tiny-llama outputs: same tokens from every layout and memory mode; bad folders named. */
import { cp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CascadeModel } from '../../../src/runtime/cascade/cascade-model.ts';
import { DecoderState } from '../../../src/runtime/cascade/decoder-state.ts';
import { argmax, lastLogits } from '../../../src/runtime/cascade/last-logits.ts';
import { resolveModelFiles } from '../../../src/runtime/cascade/model-files.ts';
import { buildFixtureOutputs, type FixtureOutputs } from '../../generate/fixture-outputs.ts';
import { useTempDirs } from '../../helpers/temp-dirs.ts';

const tempDir = useTempDirs('cascade-model');
let outputs: FixtureOutputs;

beforeAll(async () => {
  outputs = await buildFixtureOutputs(await tempDir(), path.resolve('fixtures/tiny-llama'), [2, 3]);
});

async function greedy(model: CascadeModel, prompt: number[], count: number): Promise<number[]> {
  const state = new DecoderState(model);
  const ids: number[] = [];
  let input = prompt;
  while (ids.length < count) {
    ids.push(argmax(lastLogits(await state.step(input))));
    input = [ids[ids.length - 1]];
  }
  return ids;
}

async function withModel<T>(model: string, options: Parameters<typeof CascadeModel.open>[1], use: (model: CascadeModel) => Promise<T>): Promise<T> {
  const opened = await CascadeModel.open(model, options);
  try {
    return await use(opened);
  } finally {
    await opened.release();
  }
}

describe('CascadeModel', () => {
  it('generates the same tokens from the unsplit folder, 2 and 3 splits, low-memory and max-memory', async () => {
    const prompt = [5, 17, 42, 8];
    const whole = await withModel(outputs.unsplit, {}, (model) => greedy(model, prompt, 8));
    expect(whole).toHaveLength(8);
    for (const folder of [outputs.split[2], outputs.split[3]]) {
      expect(await withModel(folder, {}, (model) => greedy(model, prompt, 8))).toEqual(whole);
    }
    expect(await withModel(outputs.split[3], { memory: 'low-memory' }, (model) => greedy(model, prompt, 8))).toEqual(whole);
    expect(await withModel(outputs.split[3], { memory: 'max-memory', maxMemoryBytes: 1 }, (model) => greedy(model, prompt, 8))).toEqual(whole);
  });

  it('keeps every split open in resident mode and at most one session alive in low-memory mode', async () => {
    const resident = await withModel(outputs.split[3], {}, async (model) => {
      await greedy(model, [3, 4], 3);
      return model.peakLiveSessions;
    });
    expect(resident).toBe(3);
    const lowMemory = await withModel(outputs.split[3], { memory: 'low-memory' }, async (model) => {
      await greedy(model, [3, 4], 3);
      return model.peakLiveSessions;
    });
    expect(lowMemory).toBe(1);
  });

  it('serves several generations from the same open sessions', async () => {
    await withModel(outputs.split[2], {}, async (model) => {
      const first = await greedy(model, [5, 17, 42, 8], 4);
      expect(await greedy(model, [5, 17, 42, 8], 4)).toEqual(first);
      expect(model.peakLiveSessions).toBe(2);
    });
  });

  it('keeps the splits that fit the max-memory budget resident', async () => {
    const files = (await resolveModelFiles(outputs.split[3])).files;
    const firstSplitBytes = (await stat(files[0])).size + (await stat(`${files[0]}.data`)).size;
    const peak = await withModel(outputs.split[3], { memory: 'max-memory', maxMemoryBytes: firstSplitBytes }, async (model) => {
      await greedy(model, [3, 4], 2);
      return model.peakLiveSessions;
    });
    // split 0 stays resident; each other split loads beside it for its own run
    expect(peak).toBe(2);
  });

  it('opens a folder by its genai_config.json pipeline when model_config.json is absent, and a single .onnx', async () => {
    const copy = path.join(await tempDir(), 'genai-only');
    await cp(outputs.split[2], copy, { recursive: true });
    await rm(path.join(copy, 'model_config.json'));
    expect((await resolveModelFiles(copy)).files.map((file) => path.basename(file))).toEqual(['split_0.onnx', 'split_1.onnx']);
    expect(await resolveModelFiles(path.join(outputs.unsplit, 'model.onnx'))).toMatchObject({ layout: 'file', dir: outputs.unsplit });
    expect(await resolveModelFiles(outputs.unsplit)).toMatchObject({ layout: 'unsplit' });
  });

  it('names a split file the manifest lists but the folder lacks', async () => {
    const copy = path.join(await tempDir(), 'missing');
    await cp(outputs.split[3], copy, { recursive: true });
    await rm(path.join(copy, 'split_1.onnx'));
    await expect(CascadeModel.open(copy)).rejects.toThrow(`'${copy}' is missing split_1.onnx, which its manifest lists`);
  });

  it('refuses a manifest that names a file outside the folder', async () => {
    const copy = path.join(await tempDir(), 'outside');
    await cp(outputs.split[2], copy, { recursive: true });
    const manifest = path.join(copy, 'model_config.json');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('"split_1.onnx"', '"../split_1.onnx"'));
    await expect(CascadeModel.open(copy)).rejects.toThrow('model_components[1].config.onnx_file_name is not a file name in the folder');
    const genai = path.join(copy, 'genai_config.json');
    await rm(manifest);
    await writeFile(genai, (await readFile(genai, 'utf8')).replace('"split_0.onnx"', '"/etc/passwd"'));
    await expect(CascadeModel.open(copy)).rejects.toThrow('model.decoder.pipeline[0] filename is not a file name in the folder');
  });

  it('names a split that does not load and the provider', async () => {
    const copy = path.join(await tempDir(), 'broken');
    await cp(outputs.split[2], copy, { recursive: true });
    await writeFile(path.join(copy, 'split_1.onnx'), 'not an onnx model');
    await expect(CascadeModel.open(copy)).rejects.toThrow(/^cannot load 'split_1\.onnx' on CPUExecutionProvider: /);
  });
});
