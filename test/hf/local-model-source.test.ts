import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveModelSource } from '../../src/hf/resolve-model-source.ts';
import { checkpointTensors } from '../fixtures-hub/checkpoint-tensors.ts';
import { writeSparseShards } from '../fixtures-hub/safetensors-files.ts';
import { TINY_CONFIG } from '../fixtures-hub/hub-repos.ts';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'olive-local-source-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function modelFolder(name: string, withWeights: boolean): Promise<string> {
  const dir = path.join(work, name);
  await mkdir(dir);
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(TINY_CONFIG));
  if (withWeights) await writeSparseShards(dir, checkpointTensors(TINY_CONFIG), 2);
  return dir;
}

describe('resolveModelSource for a local folder', () => {
  it('reads config.json and the shapes of every shard', async () => {
    const dir = await modelFolder('sharded', true);
    const source = await resolveModelSource(dir, { weights: 'full' });
    expect(source).toMatchObject({ kind: 'local', id: dir, dir, config: { hidden_size: 32 } });
    expect(source.checkpoint?.tensors.get('lm_head.weight')).toEqual([128, 32]);
  });

  it('has no checkpoint without safetensors, which only a full conversion refuses', async () => {
    const dir = await modelFolder('config-only', false);
    expect((await resolveModelSource(dir, { weights: 'headers' })).checkpoint).toBeNull();
    await expect(resolveModelSource(dir, { weights: 'full' })).rejects.toThrow(
      `${dir} has no model.safetensors or model.safetensors.index.json: only safetensors checkpoints can be converted`,
    );
  });

  it('points at the .onnx file of a folder that holds config.json and an ONNX model (an auto-opt output)', async () => {
    const dir = await modelFolder('onnx-output', false);
    await writeFile(path.join(dir, 'model.onnx'), '');
    await expect(resolveModelSource(dir, { weights: 'full' })).rejects.toThrow(
      `only safetensors checkpoints can be converted; to use the ONNX model in it, give -m ${path.join(dir, 'model.onnx')}`,
    );
  });

  it('names a folder without config.json, and a file given as the model', async () => {
    const empty = path.join(work, 'empty');
    await mkdir(empty);
    await expect(resolveModelSource(empty, { weights: 'headers' })).rejects.toThrow(`no config.json in ${empty}`);
    const file = path.join(work, 'model.bin');
    await writeFile(file, '');
    await expect(resolveModelSource(file, { weights: 'headers' })).rejects.toThrow(`model '${file}' is a file`);
  });
});
