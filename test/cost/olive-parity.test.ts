/**
 * Parity with Olive: published config.json + safetensors files of the real shapes (headers only, data a sparse
 * hole) through `olive generate-cost-model` must give Olive's own tables byte for byte.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { captureIo } from '../cli/run-olive.ts';
import { checkpointTensors, type FixtureConfig } from '../fixtures-hub/checkpoint-tensors.ts';
import { startFakeHub } from '../fixtures-hub/fake-hub.ts';
import { virtualModelRepo } from '../fixtures-hub/hub-repos.ts';
import { writeSparseSafetensors, writeSparseShards } from '../fixtures-hub/safetensors-files.ts';

const COST_MODELS = path.join(import.meta.dirname, '..', '..', 'cost-models');
const OLIVE_TABLES = path.join(import.meta.dirname, '..', 'olive-tables');

const CASES = [
  { olive: 'Llama-2-7B', config: 'Llama-2-7B', shards: 2, checkpointBytes: 13_476_831_232 },
  { olive: 'Llama-2-13B', config: 'Llama-2-13B', shards: 3, checkpointBytes: 26_031_728_640 },
  { olive: 'Llama-3.1-8B', config: 'Llama-3.1-8B', shards: 4, checkpointBytes: 16_060_522_496 },
  { olive: 'Phi-3-mini', config: 'Phi-3-mini-4k', shards: 1, checkpointBytes: 7_642_159_104 },
  { olive: 'Phi-3.5-mini', config: 'Phi-3.5-mini', shards: 2, checkpointBytes: 7_642_159_104 },
];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'olive-parity-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function sparseModel(name: string, shards: number): Promise<{ dir: string; dataBytes: number }> {
  const dir = path.join(work, name);
  await mkdir(dir);
  await copyFile(path.join(COST_MODELS, name, 'config.json'), path.join(dir, 'config.json'));
  const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as FixtureConfig;
  const tensors = checkpointTensors(config);
  if (shards === 1) await writeSparseSafetensors(path.join(dir, 'model.safetensors'), tensors);
  else await writeSparseShards(dir, tensors, shards);
  const dataBytes = tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1) * 2, 0);
  return { dir, dataBytes };
}

describe('generate-cost-model parity with Olive', () => {
  it.each(CASES)('$olive: byte-identical to Olive’s table', async ({ olive, config, shards, checkpointBytes }) => {
    const { dir, dataBytes } = await sparseModel(config, shards);
    expect(dataBytes).toBe(checkpointBytes);
    if (shards === 1) expect((await stat(path.join(dir, 'model.safetensors'))).size).toBeGreaterThan(checkpointBytes);
    const output = path.join(work, `${olive}-ours`);
    const io = captureIo();
    const code = await main(['generate-cost-model', '-m', dir, '-o', output], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const ours = await readFile(`${output}.csv`);
    const theirs = await readFile(path.join(OLIVE_TABLES, `${olive}.csv`));
    expect(ours.equals(theirs)).toBe(true);
    const olivesTotal = theirs.toString().trim().split('\n').slice(1).reduce((sum, line) => sum + Number(line.split(',')[2]), 0);
    expect(io.out()).toContain(`${olivesTotal} bytes`);
  });
});

/** Reading a checkpoint's headers over HTTP costs a few KB however large the model. */
const MAX_HEADER_BYTES_OVER_HTTP = 256 * 1024;

describe('generate-cost-model parity with Olive from a hub id', () => {
  it.each(CASES)('$olive: headers over HTTP range requests give the same table', async ({ olive, config, shards }) => {
    const published = JSON.parse(await readFile(path.join(COST_MODELS, config, 'config.json'), 'utf8')) as FixtureConfig;
    const repo = `published/${config}`;
    const hub = await startFakeHub(new Map([[repo, virtualModelRepo('e'.repeat(40), published, shards)]]));
    const saved = { endpoint: process.env.HF_ENDPOINT, cache: process.env.HF_HUB_CACHE };
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = path.join(work, `hub-cache-${config}`);
    try {
      const output = path.join(work, `${olive}-hub.csv`);
      const io = captureIo();
      expect(await main(['generate-cost-model', '-m', repo, '-o', output], io)).toBe(0);
      expect(io.err()).toBe('');
      expect((await readFile(output)).equals(await readFile(path.join(OLIVE_TABLES, `${olive}.csv`)))).toBe(true);
      const weightRequests = hub.requests.filter((r) => r.path.endsWith('.safetensors'));
      expect(weightRequests.every((r) => r.range !== undefined)).toBe(true);
      expect(weightRequests.reduce((sum, r) => sum + r.bytesSent, 0)).toBeLessThan(MAX_HEADER_BYTES_OVER_HTTP);
    } finally {
      process.env.HF_ENDPOINT = saved.endpoint;
      process.env.HF_HUB_CACHE = saved.cache;
      if (saved.endpoint === undefined) delete process.env.HF_ENDPOINT;
      if (saved.cache === undefined) delete process.env.HF_HUB_CACHE;
      await hub.close();
    }
  });
});
