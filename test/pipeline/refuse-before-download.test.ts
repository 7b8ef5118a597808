/**
 * A hub model whose config.json cannot be converted is refused when it is opened, from config.json alone: auto-opt
 * (dry run or not) and generate-cost-model fetch no safetensors byte, not even a header.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runOlive } from '../cli/run-olive.ts';
import { startFakeHub, type FakeHub } from '../fixtures-hub/fake-hub.ts';
import { TINY_CONFIG, tinyRepo } from '../fixtures-hub/hub-repos.ts';

const REPO = 'tiny-org/partial-rotary-llama';
let hub: FakeHub;
let cache: string;
const saved = { endpoint: process.env.HF_ENDPOINT, cache: process.env.HF_HUB_CACHE };

beforeAll(async () => {
  const repo = tinyRepo('d'.repeat(40));
  repo.files.set('config.json', Buffer.from(JSON.stringify({ ...TINY_CONFIG, partial_rotary_factor: 0.5 })));
  hub = await startFakeHub(new Map([[REPO, repo]]));
});
afterAll(() => hub.close());
beforeEach(async () => {
  cache = await mkdtemp(path.join(os.tmpdir(), 'olive-refuse-'));
  process.env.HF_ENDPOINT = hub.url;
  process.env.HF_HUB_CACHE = cache;
  hub.requests.length = 0;
});
afterEach(async () => {
  process.env.HF_ENDPOINT = saved.endpoint;
  process.env.HF_HUB_CACHE = saved.cache;
  if (saved.endpoint === undefined) delete process.env.HF_ENDPOINT;
  if (saved.cache === undefined) delete process.env.HF_HUB_CACHE;
  await rm(cache, { recursive: true, force: true });
});

const safetensorsRequests = () => hub.requests.filter((request) => request.path.includes('.safetensors'));

describe('an unconvertible hub model is refused before any weight is fetched', () => {
  it.each([
    ['auto-opt --dry_run', ['auto-opt', '-m', REPO, '-o', 'unused-out', '--num-splits', '2', '--dry_run']],
    ['auto-opt', ['auto-opt', '-m', REPO, '-o', path.join(os.tmpdir(), 'olive-refuse-never-written')]],
    ['generate-cost-model', ['generate-cost-model', '-m', REPO, '-o', path.join(os.tmpdir(), 'olive-refuse-never-written.csv')]],
  ])('%s', async (_label, args) => {
    const run = await runOlive(args);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: config\.json: partial_rotary_factor = 0\.5 is not supported \(not implemented for llama\)/);
    expect(hub.requests.some((request) => request.path.endsWith('config.json'))).toBe(true);
    expect(safetensorsRequests()).toEqual([]);
  });
});
