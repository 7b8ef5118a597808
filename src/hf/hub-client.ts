/** What every @huggingface/hub call needs: endpoint and token passed explicitly, a fetch that retries. */
import { HubApiError } from '@huggingface/hub';
import { OliveError } from '../errors.ts';
import type { HubSettings } from './hub-settings.ts';
import { timedFetch } from './hub-fetch.ts';
import { describeNetworkFailure } from './network-failure.ts';
import { HUB_FETCH_ATTEMPTS, HUB_RETRY_DELAY_MS, retryingFetch } from './retrying-fetch.ts';

export interface HubClient {
  hubUrl: string;
  accessToken: string | undefined;
  fetch: typeof fetch;
}

/** The hub could not be reached at all (no HTTP answer): a cached snapshot may stand in, as Python does. */
export class HubUnreachableError extends OliveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HubUnreachableError';
  }
}

/** Requests go through `baseFetch` when given (tests), else through undici with the settings' timeouts. */
export function hubClient(settings: HubSettings, baseFetch?: typeof fetch): HubClient {
  const { timeouts } = settings;
  const base = baseFetch ?? timedFetch(timeouts);
  return { hubUrl: settings.endpoint, accessToken: settings.token, fetch: retryingFetch(base, HUB_FETCH_ATTEMPTS, HUB_RETRY_DELAY_MS, timeouts.retryAfterCapMs) };
}

/**
 * Turn a hub or network failure into one line that says what to do about it. `afterListing`: the hub answered
 * the file list, so a failure now (a cut, a stall) is no reason to fall back to the cache.
 */
export function hubFailure(error: unknown, repo: string, what: string, settings: HubSettings, afterListing = false): OliveError {
  if (error instanceof OliveError) return error;
  if (error instanceof HubApiError) {
    const status = error.statusCode;
    const hint = status === 401 || status === 403 ? ': set HF_TOKEN to a token with access' : status === 429 ? ': the hub is rate-limiting requests; try again later' : '';
    const reason = status === 404 ? 'not found' : `failed`;
    return new OliveError(`${what} of '${repo}' on ${settings.endpoint} ${reason} (HTTP ${status})${hint}`, { cause: error });
  }
  if (error instanceof Error && error.name === 'SafetensorParseError') {
    return new OliveError(`${what} of '${repo}' are malformed: ${error.message}`, { cause: error });
  }
  const failure = describeNetworkFailure(error, settings.timeouts);
  if (failure.kind === 'disk') {
    return new OliveError(`${what} of '${repo}' into the hub cache ${settings.cacheDir} failed: ${failure.text}`, { cause: error });
  }
  if (afterListing) {
    return new OliveError(`${what} of '${repo}' from ${settings.endpoint} failed: ${failure.text}; run again to resume`, { cause: error });
  }
  return new HubUnreachableError(
    `${what} of '${repo}' from ${settings.endpoint} failed: ${failure.text}; set HF_HUB_OFFLINE=1 to use only the cache`,
    { cause: error },
  );
}
