/**
 * Splitting a decoder exported by another tool (torch-export node names, no module metadata, no value_info):
 * splits by node names, validates against the whole model, and writes Olive's and GenAI's manifests.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OliveError } from '../../src/errors.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import type { ValueInfoProto } from '../../src/onnx/types.ts';
import { splitModel } from '../../src/split/split-model.ts';
import { handPlan } from './helpers/hand-plan.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';
import { SMALL_DECODER, writeTorchExportDecoder } from './helpers/torch-export-decoder.ts';

const tempDir = useTempDirs('split-model');
const LAYERS = SMALL_DECODER.layers;
const SOURCE_GENAI = { model: { bos_token_id: 1, type: 'llama', decoder: { filename: 'model.onnx', session_options: { log_id: 'x', provider_options: [] } } }, search: { max_length: 64 } };
let modelPath: string;

beforeAll(async () => {
  const dir = await tempDir();
  modelPath = await writeTorchExportDecoder(dir);
  await writeFile(path.join(dir, 'tokenizer.json'), '{"model":{}}');
  await writeFile(path.join(dir, 'genai_config.json'), JSON.stringify(SOURCE_GENAI));
});

const PLANS = {
  'two ways at a layer boundary': handPlan([['model.embed_tokens', 'model.layers.0'], ['model.layers.1', 'model.layers.2', 'model.norm', 'lm_head']], LAYERS),
  'three ways, one cut inside a layer': handPlan([['model.layers.0'], ['model.layers.1.self_attn'], ['model.layers.1.mlp', 'model.layers.2']], LAYERS),
  'four ways, cuts inside layers': handPlan(
    [['model.layers.0.self_attn'], ['model.layers.0.mlp', 'model.layers.1'], ['model.layers.2.self_attn.k_proj'], ['model.layers.2.mlp', 'lm_head']],
    LAYERS,
  ),
};

describe.each(Object.entries(PLANS))('split %s', (_, plan) => {
  let outDir: string;
  let result: Awaited<ReturnType<typeof splitModel>>;
  beforeAll(async () => {
    outDir = path.join(await tempDir(), 'out');
    result = await splitModel({ modelPath, plan, outDir, measureMemory: false });
  });

  it('gives a cascade equal to the whole model through prefill and decode steps', () => {
    expect(result.validation?.passed).toBe(true);
    expect(result.validation?.steps.map((step) => step.step)).toEqual(['prefill (5 tokens)', 'decode step 1 (past 5)', 'decode step 2 (past 6)', 'decode step 3 (past 7)']);
    expect(result.validation?.maxAbsDifference).toBeLessThan(1e-5);
  });

  it("routes each layer's past_key_values and present tensors to the split computing that layer's attention", () => {
    for (const split of result.splits) {
      const pastLayers = split.inputs.flatMap((name) => /^past_key_values\.(\d+)\.key$/.exec(name)?.[1] ?? []);
      const presentLayers = split.outputs.flatMap((name) => /^present\.(\d+)\.key$/.exec(name)?.[1] ?? []);
      expect(presentLayers).toEqual(pastLayers);
    }
    expect(result.splits.flatMap((split) => split.outputs).filter((name) => name.startsWith('present.'))).toHaveLength(2 * LAYERS);
    expect(result.splits.at(-1)?.outputs[0]).toBe('logits');
  });

  it('types every boundary value, keeping symbolic dimensions', async () => {
    for (const split of result.splits) {
      const { model } = await readModel(path.join(outDir, split.file));
      for (const info of [...(model.graph?.input ?? []), ...(model.graph?.output ?? [])]) {
        expect(info.type?.tensor_type?.elem_type, info.name).toBeGreaterThan(0);
        expect(info.type?.tensor_type?.shape?.dim?.length, info.name).toBeGreaterThan(0);
      }
      const hidden = model.graph?.input?.find((info: ValueInfoProto) => info.name?.endsWith('_output_0'));
      if (hidden) expect(hidden.type?.tensor_type?.shape?.dim?.[0]).toEqual({ dim_param: 'batch_size' });
    }
  });

  it('copies the tied embedding into both splits using it and reports the duplicated bytes', () => {
    const embedding = result.sharedInitializers.find((shared) => shared.name === 'model.embed_tokens.weight');
    expect(embedding).toEqual({ name: 'model.embed_tokens.weight', bytes: 32 * 16 * 4, splits: [0, plan.splits.length - 1] });
    expect(result.duplicatedBytes).toBe(result.sharedInitializers.reduce((sum, s) => sum + s.bytes * (s.splits.length - 1), 0));
  });

  it("writes Olive's CompositeModel config and GenAI's decoder-pipeline config", async () => {
    const names = plan.splits.map((_, i) => `split_${i}`);
    const olive = JSON.parse(await readFile(path.join(outDir, 'model_config.json'), 'utf8'));
    expect(olive).toEqual({
      type: 'CompositeModel',
      config: {
        model_path: '.',
        model_component_names: names,
        model_components: names.map((name) => ({ type: 'ONNXModel', config: { model_path: '.', onnx_file_name: `${name}.onnx` } })),
        model_attributes: {},
      },
    });
    const genai = JSON.parse(await readFile(path.join(outDir, 'genai_config.json'), 'utf8'));
    expect(genai.model.type).toBe('decoder-pipeline');
    expect(genai.model.bos_token_id).toBe(1);
    expect(genai.search).toEqual(SOURCE_GENAI.search);
    expect(genai.model.decoder.filename).toBeUndefined();
    expect(genai.model.decoder.pipeline).toEqual(
      result.splits.map((split, i) => ({
        [names[i]]: {
          filename: split.file,
          inputs: split.inputs,
          outputs: split.outputs,
          run_on_prompt: true,
          run_on_token_gen: true,
          is_lm_head: false,
          session_options: SOURCE_GENAI.model.decoder.session_options,
          reset_session_idx: -1,
        },
      })),
    );
  });

  it('writes each split with its external data file (when it has large weights), the plan and the tokenizer files', async () => {
    const files = (await readdir(outDir)).sort();
    expect(result.splits.map((split) => [split.file, split.dataFile ?? `split_${split.index}.onnx.data`])).toEqual(
      plan.splits.map((_, i) => [`split_${i}.onnx`, `split_${i}.onnx.data`]),
    );
    const splitFiles = result.splits.flatMap((split) => [split.file, ...(split.dataFile ? [split.dataFile] : [])]);
    expect(files).toEqual([...splitFiles, 'genai_config.json', 'model_config.json', 'split_plan.json', 'tokenizer.json'].sort());
    expect(JSON.parse(await readFile(path.join(outDir, 'split_plan.json'), 'utf8'))).toEqual(plan);
  });
});

describe('output folder', () => {
  const plan = PLANS['two ways at a layer boundary'];

  it('refuses to replace an existing folder unless forced, then replaces it whole', async () => {
    const parent = await tempDir();
    const outDir = path.join(parent, 'out');
    await splitModel({ modelPath, plan: PLANS['three ways, one cut inside a layer'], outDir, validate: false });
    await expect(splitModel({ modelPath, plan, outDir, validate: false })).rejects.toThrow(/already exists: pass force/);
    await splitModel({ modelPath, plan, outDir, validate: false, force: true });
    expect((await readdir(outDir)).filter((name) => name.startsWith('split_2'))).toEqual([]);
    expect(await readdir(parent)).toEqual(['out']);
  });

  it('leaves nothing behind when the split fails', async () => {
    const parent = await tempDir();
    const bad = handPlan([['model.layers.0'], ['no.such.module']], LAYERS);
    await expect(splitModel({ modelPath, plan: bad, outDir: path.join(parent, 'out') })).rejects.toThrow(OliveError);
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses to write over the folder holding the input model, even when forced', async () => {
    await expect(splitModel({ modelPath, plan, outDir: path.dirname(modelPath), force: true })).rejects.toThrow(/holds the input model/);
    expect(await readdir(path.dirname(modelPath))).toContain('model.onnx');
  });

  it('rejects both a plan and an assignment, and a missing model', async () => {
    const outDir = path.join(await tempDir(), 'out');
    await expect(splitModel({ modelPath, plan, assignment: {}, outDir })).rejects.toThrow(/either plan or assignment/);
    await expect(splitModel({ modelPath: path.join(path.dirname(outDir), 'none.onnx'), plan, outDir })).rejects.toThrow(/model file not found/);
  });
});
