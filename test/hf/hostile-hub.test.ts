/**
 * A hostile or broken hub (#16): path-like ETags, commits and file names are refused; hangs and stalls end on the
 * timeout that names them; Retry-After is honoured within its cap; cuts, full disks, endless answers, wrong bytes,
 * empty files and two downloads of one file at once each end in one clear line or in the right file.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadToCache } from '../../src/hf/download-to-cache.ts';
import { hubClient } from '../../src/hf/hub-client.ts';
import { hubSettings } from '../../src/hf/hub-settings.ts';
import { resolveModelSource } from '../../src/hf/resolve-model-source.ts';
import { deadPid } from '../helpers/dead-pid.ts';
import { fileEtag, startFakeHub, type FakeHub, type FakeRepo } from '../fixtures-hub/fake-hub.ts';
import { tinyRepo } from '../fixtures-hub/hub-repos.ts';

const SHA = 'd'.repeat(40);
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const good = tinyRepo(SHA);
const weights = good.files.get('model.safetensors')!;
const withEmpty: FakeRepo = { sha: 'e'.repeat(40), files: new Map([...good.files, ['added_tokens.json', Buffer.alloc(0)]]) };
const repos = new Map<string, FakeRepo>([
  ['org/good', good],
  ['org/evil-etag', { ...tinyRepo('1'.repeat(40)), etags: new Map([['config.json', '"../../../../outside"']]) }],
  ['org/evil-sha', tinyRepo('../../../../escaped-snapshot')],
  ['org/with-empty', withEmpty],
]);

let hub: FakeHub;
let root: string;
let cache: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  hub = await startFakeHub(repos);
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'olive-hostile-hub-'));
  cache = path.join(root, 'a', 'b', 'c', 'cache');
  await mkdir(cache, { recursive: true });
  env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache, OLIVE_HUB_FIRST_BYTE_TIMEOUT_MS: '300', OLIVE_HUB_IDLE_TIMEOUT_MS: '300' };
  hub.requests.length = 0;
  hub.intercept = undefined;
});
afterEach(async () => {
  hub.intercept = undefined;
  await rm(root, { recursive: true, force: true });
});

/** Every path under root, relative, so a test can see nothing was written outside the cache. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('untrusted hub strings never become paths unchecked', () => {
  it("refuses an ETag of '../../../../outside' and writes nothing outside the cache", async () => {
    await expect(resolveModelSource('org/evil-etag', { weights: 'headers', env })).rejects.toThrow(
      "hub ETag '../../../../outside' contains a path separator: refused",
    );
    expect((await tree(root)).filter((entry) => !entry.startsWith(path.join('a', 'b', 'c', 'cache')))).toEqual(['a', path.join('a', 'b'), path.join('a', 'b', 'c')]);
    expect(existsSync(path.join(root, 'outside'))).toBe(false);
  });

  it('refuses a commit sha with ../ and creates no snapshot folder outside the cache', async () => {
    await expect(resolveModelSource('org/evil-sha', { weights: 'full', env })).rejects.toThrow(
      "commit sha of 'org/evil-sha' from the hub '../../../../escaped-snapshot' contains a path separator: refused",
    );
    expect(existsSync(path.join(root, 'escaped-snapshot'))).toBe(false);
    expect((await tree(root)).some((entry) => entry.includes('escaped'))).toBe(false);
  });

  it('refuses a repository file name that leaves the snapshot', async () => {
    const settings = hubSettings(env);
    const request = { client: hubClient(settings), repo: 'org/good', repoDir: path.join(cache, 'models--org--good'), commit: SHA };
    for (const file of ['../../../x.json', '/etc/passwd', 'a//b', 'sub/../../x']) {
      await expect(downloadToCache({ ...request, file })).rejects.toThrow(/repository file name '.*' .*: refused/);
    }
    expect(hub.requests).toHaveLength(0);
  });

  it('refuses a revision that would leave refs/', async () => {
    await expect(resolveModelSource('org/good', { weights: 'headers', env: { ...env, HF_HUB_OFFLINE: '1' }, revision: '../../x' })).rejects.toThrow(
      "revision '../../x' has an empty, '.' or '..' part: refused",
    );
  });
});

describe('hub timeouts, Retry-After, and the true cause', () => {
  it('a hub that accepts and never answers fails on the first-byte timeout, saying so', async () => {
    hub.intercept = () => true;
    const started = Date.now();
    await expect(resolveModelSource('org/good', { weights: 'headers', env })).rejects.toThrow(
      /file list \(main\) of 'org\/good' from .* failed: no answer within 0\.3 s of the request \(first-byte timeout\)/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a body that stalls mid-download fails on the idle timeout, and the next run resumes', async () => {
    hub.intercept = (url, request, response) => {
      if (!url.endsWith('/model.safetensors') || request.headers.range === 'bytes=0-0') return false;
      response.writeHead(206, { 'Content-Length': weights.length, 'Content-Range': `bytes 0-${weights.length - 1}/${weights.length}` });
      response.write(weights.subarray(0, 1000));
      return true;
    };
    await expect(resolveModelSource('org/good', { weights: 'full', env })).rejects.toThrow(
      /download of model.safetensors of 'org\/good' from .* failed: the transfer stalled: no data for 0\.3 s \(idle timeout\); run again to resume/,
    );
    hub.intercept = undefined;
    const source = await resolveModelSource('org/good', { weights: 'full', env });
    expect((await readFile(path.join(source.dir, 'model.safetensors'))).equals(weights)).toBe(true);
    expect(hub.requests.some((r) => r.range === `bytes=1000-${weights.length - 1}`)).toBe(true);
  });

  it('a cut connection is reported as cut, not as an unreachable hub', async () => {
    hub.intercept = (url, request, response) => {
      if (!url.endsWith('/model.safetensors') || request.headers.range === 'bytes=0-0') return false;
      response.writeHead(206, { 'Content-Length': weights.length, 'Content-Range': `bytes 0-${weights.length - 1}/${weights.length}` });
      response.write(weights.subarray(0, 1000), () => response.socket?.destroy());
      return true;
    };
    await expect(resolveModelSource('org/good', { weights: 'full', env })).rejects.toThrow(/failed: the connection was cut; run again to resume/);
  });

  it('waits out a 429 Retry-After within the cap, and fails at once on one beyond it', async () => {
    let limited = 0;
    hub.intercept = (url, _request, response) => {
      if (!url.endsWith('/revision/main') || limited++ > 0) return false;
      response.writeHead(429, { 'Retry-After': '1' }).end();
      return true;
    };
    const started = Date.now();
    await resolveModelSource('org/good', { weights: 'headers', env });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    hub.intercept = (url, _request, response) => {
      if (!url.endsWith('/revision/main')) return false;
      response.writeHead(429, { 'Retry-After': '3600' }).end();
      return true;
    };
    hub.requests.length = 0;
    await expect(resolveModelSource('org/good', { weights: 'headers', env })).rejects.toThrow(
      /file list \(main\) of 'org\/good' on .* failed \(HTTP 429\): the hub is rate-limiting requests/,
    );
    expect(hub.requests.filter((r) => r.path.endsWith('/revision/main'))).toHaveLength(1);
  });

  it('an endless model-info answer is cut off at its cap', async () => {
    hub.intercept = (url, _request, response) => {
      if (!url.endsWith('/revision/main')) return false;
      response.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      const pump = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', pump);
      };
      response.write('{"siblings":[');
      pump();
      return true;
    };
    await expect(resolveModelSource('org/good', { weights: 'headers', env })).rejects.toThrow(/is larger than 67108864 bytes: refused/);
  });

  it('a full disk says the disk is full', async () => {
    const blobs = path.join(cache, 'models--org--good', 'blobs');
    await mkdir(blobs, { recursive: true });
    await symlink('/dev/full', path.join(blobs, `${fileEtag(weights)}.incomplete`));
    await expect(resolveModelSource('org/good', { weights: 'full', env })).rejects.toThrow(
      /download of model.safetensors of 'org\/good' into the hub cache .* failed: the disk is full \(ENOSPC\)$/,
    );
  });
});

describe('the shared cache: locks, hashes, empty files', () => {
  it('two downloads of one repository into one cache both succeed', async () => {
    const [first, second] = await Promise.all([
      resolveModelSource('org/good', { weights: 'full', env }),
      resolveModelSource('org/good', { weights: 'full', env }),
    ]);
    expect((await readFile(path.join(first.dir, 'model.safetensors'))).equals(weights)).toBe(true);
    expect(second.dir).toBe(first.dir);
    const blobs = await readdir(path.join(cache, 'models--org--good', 'blobs'));
    expect(blobs.filter((name) => name.endsWith('.lock') || name.endsWith('.incomplete'))).toEqual([]);
  });

  it('two processes downloading one repository into one cache both succeed', async () => {
    // the weights arrive slowly, so the second process finds the first one's download under way
    let served = 0;
    hub.intercept = (url, request, response) => {
      if (!url.endsWith('/model.safetensors') || request.headers.range === 'bytes=0-0' || request.method === 'HEAD') return false;
      served++;
      const start = Number(/^bytes=(\d+)-/.exec(request.headers.range ?? '')?.[1] ?? 0);
      const body = weights.subarray(start);
      response.writeHead(start > 0 ? 206 : 200, { 'Content-Length': body.length, 'Content-Range': `bytes ${start}-${weights.length - 1}/${weights.length}` });
      const pieces = [0, 1, 2, 3].map((i) => body.subarray((i * body.length) / 4, ((i + 1) * body.length) / 4));
      pieces.forEach((piece, i) => setTimeout(() => (i === 3 ? response.end(piece) : response.write(piece)), 250 * (i + 1)));
      return true;
    };
    const child = () =>
      promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bin', 'run-ts.js'), path.join(REPO_ROOT, 'test', 'fixtures-hub', 'resolve-in-child.ts'), 'org/good'], {
        env: { ...process.env, ...env },
        timeout: 60_000,
      });
    const [first, second] = await Promise.all([child(), child()]);
    expect(first.stdout).toBe(second.stdout);
    expect(served).toBe(1);
    expect((await readFile(path.join(first.stdout.trim(), 'model.safetensors'))).equals(weights)).toBe(true);
  }, 90_000);

  it('gives up on a live owner whose download makes no progress, naming it', async () => {
    const blobs = path.join(cache, 'models--org--good', 'blobs');
    await mkdir(blobs, { recursive: true });
    await writeFile(path.join(blobs, `${fileEtag(weights)}.lock`), `${process.ppid} ${os.hostname()}\n`);
    process.env.OLIVE_LOCK_STALL_MS = '300';
    try {
      await expect(resolveModelSource('org/good', { weights: 'full', env })).rejects.toThrow(
        new RegExp(`\\.lock' is held by process ${process.ppid}, whose download made no progress for 0 s: stop it, or remove the lock`),
      );
    } finally {
      delete process.env.OLIVE_LOCK_STALL_MS;
    }
  });

  it('takes over the lock of a process that is gone', async () => {
    const dead = deadPid();
    const blobs = path.join(cache, 'models--org--good', 'blobs');
    await mkdir(blobs, { recursive: true });
    await writeFile(path.join(blobs, `${fileEtag(weights)}.lock`), `${dead} ${os.hostname()}\n`);
    const source = await resolveModelSource('org/good', { weights: 'full', env });
    expect((await readFile(path.join(source.dir, 'model.safetensors'))).equals(weights)).toBe(true);
  });

  it('a cached blob of the right size but wrong bytes is downloaded again', async () => {
    await resolveModelSource('org/good', { weights: 'full', env });
    const blob = path.join(cache, 'models--org--good', 'blobs', fileEtag(weights));
    await writeFile(blob, Buffer.alloc(weights.length, 7));
    hub.requests.length = 0;
    const source = await resolveModelSource('org/good', { weights: 'full', env });
    expect((await readFile(path.join(source.dir, 'model.safetensors'))).equals(weights)).toBe(true);
    expect(hub.requests.some((r) => r.path.endsWith('/model.safetensors') && r.bytesSent === weights.length)).toBe(true);
  });

  it('bytes that do not match the ETag are refused, not cached', async () => {
    hub.intercept = (url, request, response) => {
      if (!url.endsWith('/model.safetensors') || request.headers.range === 'bytes=0-0') return false;
      response.writeHead(206, { 'Content-Length': weights.length, 'Content-Range': `bytes 0-${weights.length - 1}/${weights.length}` });
      response.end(Buffer.alloc(weights.length, 9));
      return true;
    };
    await expect(resolveModelSource('org/good', { weights: 'full', env })).rejects.toThrow(
      /the bytes received do not match the hub's hash [0-9a-f]{64}; removed, run again/,
    );
    const blobs = await readdir(path.join(cache, 'models--org--good', 'blobs'));
    expect(blobs).not.toContain(fileEtag(weights));
  });

  it('an empty file in the repository downloads as an empty file', async () => {
    const source = await resolveModelSource('org/with-empty', { weights: 'full', env });
    expect((await readFile(path.join(source.dir, 'added_tokens.json'))).length).toBe(0);
  });
});
