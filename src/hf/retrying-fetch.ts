/** Hub requests that fail with a server error or a dropped connection are tried this many times in all. */
export const HUB_FETCH_ATTEMPTS = 3;
/** First wait between tries; doubled each time (short: a hub hiccup, not an outage). */
export const HUB_RETRY_DELAY_MS = 250;

/** A fetch that retries 5xx answers and network errors, so a transient hub failure does not end a run. */
export function retryingFetch(base: typeof fetch = fetch, attempts = HUB_FETCH_ATTEMPTS, delayMs = HUB_RETRY_DELAY_MS): typeof fetch {
  return async (input, init) => {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts;
      try {
        const response = await base(input, init);
        if (response.status < 500 || last) return response;
        await response.body?.cancel();
      } catch (error) {
        if (last) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (attempt - 1)));
    }
  };
}
