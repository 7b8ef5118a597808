import { describe, expect, it } from 'vitest';
import { retryingFetch } from '../../src/hf/retrying-fetch.ts';

function scripted(outcomes: Array<number | Error>): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  const fake = (async () => {
    const outcome = outcomes[Math.min(calls++, outcomes.length - 1)];
    if (outcome instanceof Error) throw outcome;
    return new Response('body', { status: outcome });
  }) as typeof fetch;
  return { fetch: fake, calls: () => calls };
}

describe('retryingFetch', () => {
  it('retries server errors and dropped connections, then returns the success', async () => {
    const hub = scripted([500, new TypeError('fetch failed'), 200]);
    const response = await retryingFetch(hub.fetch, 3, 1)('http://hub/x');
    expect(response.status).toBe(200);
    expect(hub.calls()).toBe(3);
  });

  it('does not retry client errors', async () => {
    const hub = scripted([404, 200]);
    expect((await retryingFetch(hub.fetch, 3, 1)('http://hub/x')).status).toBe(404);
    expect(hub.calls()).toBe(1);
  });

  it('gives up after the last attempt with the last answer or error', async () => {
    expect((await retryingFetch(scripted([503]).fetch, 2, 1)('http://hub/x')).status).toBe(503);
    await expect(retryingFetch(scripted([new TypeError('fetch failed')]).fetch, 2, 1)('http://hub/x')).rejects.toThrow('fetch failed');
  });
});
