/** The hub path against a loopback hub: headers only, full snapshots, resume, retries, tokens, offline cache. */
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadProgress } from '../../src/hf/download-to-cache.ts';
import { resolveModelSource } from '../../src/hf/resolve-model-source.ts';
import { fileEtag, startFakeHub, type FakeHub } from '../fixtures-hub/fake-hub.ts';
import { configOnlyRepo, TINY_CONFIG, tinyRepo, tinyShardedRepo, type BufferRepo } from '../fixtures-hub/hub-repos.ts';

const SHA = 'a'.repeat(40);
const SHARDED_SHA = 'b'.repeat(40);
const repos = new Map<string, BufferRepo>([
  ['tiny-org/tiny-llama', tinyRepo(SHA)],
  ['tiny-org/tiny-sharded', tinyShardedRepo(SHARDED_SHA)],
  ['tiny-org/no-weights', configOnlyRepo('c'.repeat(40), TINY_CONFIG)],
]);

let hub: FakeHub;
let cache: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  hub = await startFakeHub(repos);
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  cache = await mkdtemp(path.join(os.tmpdir(), 'olive-hub-cache-'));
  env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache };
  hub.requests.length = 0;
});
afterEach(async () => {
  await rm(cache, { recursive: true, force: true });
});

const repoDir = (repo: string) => path.join(cache, `models--${repo.replace('/', '--')}`);

describe('resolveModelSource from the hub, headers only', () => {
  it('fetches config.json into the cache and only the safetensors header by range', async () => {
    const source = await resolveModelSource('tiny-org/tiny-llama', { weights: 'headers', env });
    expect(source).toMatchObject({ kind: 'hub', id: 'tiny-org/tiny-llama', commit: SHA, config: { hidden_size: 32 } });
    expect(source.checkpoint?.tensors.get('model.layers.1.mlp.down_proj.weight')).toEqual([32, 64]);
    expect(source.checkpoint?.tensors.size).toBe(3 + 2 * 9);
    expect(await readFile(path.join(repoDir('tiny-org/tiny-llama'), 'refs', 'main'), 'utf8')).toBe(SHA);
    expect(existsSync(path.join(source.dir, 'config.json'))).toBe(true);
    expect(existsSync(path.join(source.dir, 'model.safetensors'))).toBe(false);
    const weightsBytes = hub.requests.filter((r) => r.path.endsWith('model.safetensors')).reduce((sum, r) => sum + r.bytesSent, 0);
    const fileSize = repos.get('tiny-org/tiny-llama')!.files.get('model.safetensors')!.length;
    expect(weightsBytes).toBeLessThan(fileSize / 4);
    expect(hub.requests.filter((r) => r.path.endsWith('model.safetensors')).every((r) => r.range !== undefined)).toBe(true);
  });

  it('reads every shard header of a sharded checkpoint', async () => {
    const source = await resolveModelSource('tiny-org/tiny-sharded', { weights: 'headers', env });
    expect(source.checkpoint?.tensors.size).toBe(3 + 2 * 9);
    expect(source.checkpoint?.source).toBe('tiny-org/tiny-sharded');
  });

  it('falls back to config.json shapes when the repository has no safetensors', async () => {
    const source = await resolveModelSource('tiny-org/no-weights', { weights: 'headers', env });
    expect(source.checkpoint).toBeNull();
  });

  it('retries an injected 500 and then succeeds', async () => {
    hub.failOnce('/revision/main');
    hub.failOnce('/resolve/' + SHA + '/config.json');
    const source = await resolveModelSource('tiny-org/tiny-llama', { weights: 'headers', env });
    expect(source.commit).toBe(SHA);
    expect(hub.requests.filter((r) => r.path.endsWith('/revision/main'))).toHaveLength(2);
  });

  it('says clearly when the repository does not exist', async () => {
    await expect(resolveModelSource('tiny-org/missing', { weights: 'headers', env })).rejects.toThrow(
      `file list (main) of 'tiny-org/missing' on ${hub.url} not found (HTTP 404)`,
    );
  });

  it('says clearly when the hub cannot be reached', async () => {
    const unreachable = { ...env, HF_ENDPOINT: 'http://127.0.0.1:9' };
    await expect(resolveModelSource('tiny-org/tiny-llama', { weights: 'headers', env: unreachable })).rejects.toThrow(
      /from http:\/\/127.0.0.1:9 failed: fetch failed: bad port; set HF_HUB_OFFLINE=1 to use only the cache/,
    );
  });
});

describe('resolveModelSource from the hub, full snapshot', () => {
  it('downloads weights, tokenizer and generation config in Python’s cache layout, with progress', async () => {
    const progress: DownloadProgress[] = [];
    const source = await resolveModelSource('tiny-org/tiny-llama', { weights: 'full', env, onProgress: (p) => progress.push(p) });
    const files = repos.get('tiny-org/tiny-llama')!.files;
    for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
      expect((await readFile(path.join(source.dir, file))).equals(files.get(file)!)).toBe(true);
    }
    expect(existsSync(path.join(source.dir, 'README.md'))).toBe(false);
    expect(existsSync(path.join(source.dir, 'onnx'))).toBe(false);
    const pointer = path.join(source.dir, 'model.safetensors');
    expect(lstatSync(pointer).isSymbolicLink()).toBe(true);
    expect(readlinkSync(pointer)).toBe(path.join('..', '..', 'blobs', fileEtag(files.get('model.safetensors')!)));
    const last = progress.filter((p) => p.file === 'model.safetensors').at(-1);
    expect(last).toEqual({ file: 'model.safetensors', bytesDone: files.get('model.safetensors')!.length, bytesTotal: files.get('model.safetensors')!.length });
    expect(source.checkpoint?.tensors.size).toBe(3 + 2 * 9);
  });

  it('resumes a partial download from where it stopped', async () => {
    const weights = repos.get('tiny-org/tiny-llama')!.files.get('model.safetensors')!;
    const blobs = path.join(repoDir('tiny-org/tiny-llama'), 'blobs');
    await mkdir(blobs, { recursive: true });
    const half = Math.floor(weights.length / 2);
    await writeFile(path.join(blobs, `${fileEtag(weights)}.incomplete`), weights.subarray(0, half));
    const source = await resolveModelSource('tiny-org/tiny-llama', { weights: 'full', env });
    expect((await readFile(path.join(source.dir, 'model.safetensors'))).equals(weights)).toBe(true);
    const ranges = hub.requests.filter((r) => r.path.endsWith('model.safetensors')).map((r) => r.range);
    expect(ranges).toContain(`bytes=${half}-${weights.length - 1}`);
  });

  it('refuses a repository without safetensors', async () => {
    await expect(resolveModelSource('tiny-org/no-weights', { weights: 'full', env })).rejects.toThrow(
      "'tiny-org/no-weights' has no model.safetensors or model.safetensors.index.json",
    );
  });
});

describe('resolveModelSource offline (HF_HUB_OFFLINE)', () => {
  it('serves a cached snapshot without a single request', async () => {
    await resolveModelSource('tiny-org/tiny-sharded', { weights: 'full', env });
    hub.requests.length = 0;
    const source = await resolveModelSource('tiny-org/tiny-sharded', { weights: 'full', env: { ...env, HF_HUB_OFFLINE: '1' } });
    expect(source).toMatchObject({ kind: 'hub', commit: SHARDED_SHA });
    expect(source.checkpoint?.tensors.size).toBe(3 + 2 * 9);
    expect(hub.requests).toHaveLength(0);
  });

  it('uses config.json shapes when only the config is cached', async () => {
    await resolveModelSource('tiny-org/tiny-llama', { weights: 'headers', env });
    const source = await resolveModelSource('tiny-org/tiny-llama', { weights: 'headers', env: { ...env, HF_HUB_OFFLINE: 'true' } });
    expect(source.checkpoint).toBeNull();
    await expect(resolveModelSource('tiny-org/tiny-llama', { weights: 'full', env: { ...env, HF_HUB_OFFLINE: '1' } })).rejects.toThrow(
      /HF_HUB_OFFLINE is set and the hub cache has no safetensors weights for 'tiny-org\/tiny-llama'/,
    );
  });

  it('falls back to the cache when the hub cannot be reached, as Python does', async () => {
    await resolveModelSource('tiny-org/tiny-llama', { weights: 'headers', env });
    const unreachable = { ...env, HF_ENDPOINT: 'http://127.0.0.1:9' };
    const source = await resolveModelSource('tiny-org/tiny-llama', { weights: 'headers', env: unreachable });
    expect(source).toMatchObject({ kind: 'hub', commit: SHA, checkpoint: null });
    await expect(resolveModelSource('tiny-org/tiny-llama', { weights: 'full', env: unreachable })).rejects.toThrow(
      "http://127.0.0.1:9 is unreachable and the hub cache has no safetensors weights for 'tiny-org/tiny-llama'",
    );
  });

  it('names the repository and the cache on a miss', async () => {
    await expect(resolveModelSource('tiny-org/tiny-llama', { weights: 'headers', env: { ...env, HF_HUB_OFFLINE: '1' } })).rejects.toThrow(
      `HF_HUB_OFFLINE is set and 'tiny-org/tiny-llama' (main) is not in the hub cache ${cache}`,
    );
  });
});

describe('resolveModelSource with a token', () => {
  it('sends HF_TOKEN and explains a refusal without it', async () => {
    const gated = await startFakeHub(repos, 'hf_secret');
    try {
      const base = { HF_ENDPOINT: gated.url, HF_HUB_CACHE: cache, HF_HOME: cache };
      await expect(resolveModelSource('tiny-org/tiny-llama', { weights: 'headers', env: base })).rejects.toThrow(
        /failed \(HTTP 401\): set HF_TOKEN to a token with access/,
      );
      const source = await resolveModelSource('tiny-org/tiny-llama', { weights: 'headers', env: { ...base, HF_TOKEN: 'hf_secret' } });
      expect(source.checkpoint?.tensors.size).toBe(3 + 2 * 9);
    } finally {
      await gated.close();
    }
  });
});

describe('resolveModelSource for local arguments', () => {
  it('refuses a path that is neither a folder nor a hub id', async () => {
    await expect(resolveModelSource('./not/here/model', { weights: 'headers', env })).rejects.toThrow(
      "model './not/here/model' is neither an existing folder nor a hub id like 'org/name'",
    );
  });
});
