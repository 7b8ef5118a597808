import { HUB_RETRY_AFTER_CAP_MS } from './hub-timeouts.ts';

/** Hub requests that fail with a server error or a dropped connection are tried this many times in all. */
export const HUB_FETCH_ATTEMPTS = 3;
/** First wait between tries; doubled each time (short: a hub hiccup, not an outage). */
export const HUB_RETRY_DELAY_MS = 250;

/** 429 (rate limited) and 5xx answers are worth another try; other 4xx answers will not change. */
function retriable(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * The wait a Retry-After header asks for (seconds, or an HTTP date), or null without one. Waits longer than the
 * cap are returned as they are: the caller gives up rather than sleeping for minutes.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * A fetch that retries 429/5xx answers and network errors, so a transient hub failure does not end a run; a
 * Retry-After within `retryAfterCapMs` is waited out instead of the backoff, a longer one ends the tries.
 */
export function retryingFetch(
  base: typeof fetch = fetch,
  attempts = HUB_FETCH_ATTEMPTS,
  delayMs = HUB_RETRY_DELAY_MS,
  retryAfterCapMs = HUB_RETRY_AFTER_CAP_MS,
): typeof fetch {
  return async (input, init) => {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts;
      let wait = delayMs * 2 ** (attempt - 1);
      try {
        const response = await base(input, init);
        if (!retriable(response.status) || last) return response;
        const asked = retryAfterMs(response.headers.get('retry-after'));
        if (asked !== null && asked > retryAfterCapMs) return response;
        await response.body?.cancel();
        if (asked !== null) wait = asked;
      } catch (error) {
        if (last) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
}
