import { describe, expect, it } from 'vitest';
import { describeNetworkFailure } from '../../src/hf/network-failure.ts';
import { hubTimeouts } from '../../src/hf/hub-timeouts.ts';
import { retryAfterMs } from '../../src/hf/retrying-fetch.ts';

const timeouts = hubTimeouts({ OLIVE_HUB_CONNECT_TIMEOUT_MS: '1500' });
const failed = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error('inner'), { code }) });

describe('describeNetworkFailure', () => {
  it('names the timeout that fired, a cut, a refusal, a full disk', () => {
    expect(describeNetworkFailure(failed('UND_ERR_CONNECT_TIMEOUT'), timeouts)).toEqual({ kind: 'timeout', text: 'no connection within 1.5 s (connect timeout)' });
    expect(describeNetworkFailure(failed('UND_ERR_HEADERS_TIMEOUT'), timeouts).text).toBe('no answer within 30 s of the request (first-byte timeout)');
    expect(describeNetworkFailure(failed('UND_ERR_BODY_TIMEOUT'), timeouts).text).toBe('the transfer stalled: no data for 30 s (idle timeout)');
    expect(describeNetworkFailure(failed('ECONNRESET'), timeouts).kind).toBe('cut');
    expect(describeNetworkFailure(failed('ECONNREFUSED'), timeouts).text).toBe('connection refused');
    expect(describeNetworkFailure(Object.assign(new Error('write'), { code: 'ENOSPC' }), timeouts).text).toBe('the disk is full (ENOSPC)');
    expect(describeNetworkFailure(failed('EWHATEVER'), timeouts).text).toBe('fetch failed: inner');
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
  });
});
