/** `olive generate-cost-model` through main() and once as a real process. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { captureIo } from '../cli/run-olive.ts';
import { checkpointTensors } from '../fixtures-hub/checkpoint-tensors.ts';
import { startFakeHub, type FakeHub } from '../fixtures-hub/fake-hub.ts';
import { writeSparseSafetensors } from '../fixtures-hub/safetensors-files.ts';
import { TINY_CONFIG, tinyRepo } from '../fixtures-hub/hub-repos.ts';

const REPO_ROOT = path.join(import.meta.dirname, '..', '..');
const HUB_ENV_KEYS = ['HF_ENDPOINT', 'HF_HUB_CACHE', 'HF_HUB_OFFLINE', 'HF_TOKEN'] as const;

let work: string;
let modelDir: string;
let hub: FakeHub;
const savedEnv = Object.fromEntries(HUB_ENV_KEYS.map((key) => [key, process.env[key]]));

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'olive-gcm-'));
  modelDir = path.join(work, 'tiny');
  await mkdir(modelDir);
  await writeFile(path.join(modelDir, 'config.json'), JSON.stringify(TINY_CONFIG));
  await writeSparseSafetensors(path.join(modelDir, 'model.safetensors'), checkpointTensors(TINY_CONFIG));
  hub = await startFakeHub(new Map([['tiny-org/tiny-llama', tinyRepo('d'.repeat(40))]]));
  process.env.HF_ENDPOINT = hub.url;
  process.env.HF_HUB_CACHE = path.join(work, 'hub-cache');
  delete process.env.HF_HUB_OFFLINE;
  delete process.env.HF_TOKEN;
});
afterAll(async () => {
  for (const key of HUB_ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  await hub.close();
  await rm(work, { recursive: true, force: true });
});

async function run(args: string[]) {
  const io = captureIo();
  const code = await main(['generate-cost-model', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('olive generate-cost-model', () => {
  it('writes the table, appending .csv, and prints its path and total', async () => {
    const result = await run(['-m', modelDir, '-o', path.join(work, 'local')]);
    expect(result).toMatchObject({ code: 0, err: '' });
    const text = await readFile(path.join(work, 'local.csv'), 'utf8');
    const total = text.trim().split('\n').slice(1).reduce((sum, line) => sum + Number(line.split(',')[2]), 0);
    expect(result.out).toBe(`Cost model saved to ${path.join(work, 'local.csv')}\nTotal: ${total} bytes\n`);
    expect((await readdir(work)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('gives the same table for the hub id as for the local folder', async () => {
    await run(['-m', modelDir, '-o', path.join(work, 'same-local.csv')]);
    const result = await run(['-m', 'tiny-org/tiny-llama', '-o', path.join(work, 'same-hub.csv')]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(await readFile(path.join(work, 'same-hub.csv'), 'utf8')).toBe(await readFile(path.join(work, 'same-local.csv'), 'utf8'));
  });

  it('rounds int4 bytes up per row', async () => {
    expect((await run(['-m', modelDir, '-p', 'int4', '-o', path.join(work, 'int4.csv')])).code).toBe(0);
    const norm = (await readFile(path.join(work, 'int4.csv'), 'utf8')).split('\n').find((line) => line.startsWith('model.norm,'));
    expect(norm).toBe('model.norm,32,16,128');
  });

  it('refuses an unknown precision as a usage error', async () => {
    const result = await run(['-m', modelDir, '-p', 'fp64']);
    expect(result.code).toBe(2);
    expect(result.err).toBe('error: --weight_precision: must be one of fp32, fp16, bf16, int8, fp8, int4\n');
  });

  it('refuses an unsupported architecture in one line', async () => {
    const gpt2 = path.join(work, 'gpt2');
    await mkdir(gpt2);
    await writeFile(path.join(gpt2, 'config.json'), JSON.stringify({ ...TINY_CONFIG, architectures: ['GPT2LMHeadModel'] }));
    const result = await run(['-m', gpt2, '-o', path.join(work, 'gpt2.csv')]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: unsupported architecture 'GPT2LMHeadModel': supported are LlamaForCausalLM .*\n$/);
  });

  it('reports an offline cache miss clearly', async () => {
    process.env.HF_HUB_OFFLINE = '1';
    try {
      const result = await run(['-m', 'tiny-org/never-fetched', '-o', path.join(work, 'miss.csv')]);
      expect(result.code).toBe(1);
      expect(result.err).toBe(`error: HF_HUB_OFFLINE is set and 'tiny-org/never-fetched' (main) is not in the hub cache ${process.env.HF_HUB_CACHE}\n`);
    } finally {
      delete process.env.HF_HUB_OFFLINE;
    }
  });

  it('runs as a process through the entry point src/olive.ts', async () => {
    const output = path.join(work, 'process.csv');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bin', 'run-ts.js'), path.join(REPO_ROOT, 'src', 'olive.ts'), 'generate-cost-model', '-m', modelDir, '-o', output], { cwd: REPO_ROOT });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Cost model saved to .*process\.csv\nTotal: \d+ bytes\n$/);
    expect((await readFile(output, 'utf8')).startsWith('module,num_params,num_bytes,num_flops\nmodel.embed_tokens,4096,8192,1\n')).toBe(true);
  });
});
