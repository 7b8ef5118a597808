/** What every @huggingface/hub call needs: endpoint and token passed explicitly, a fetch that retries. */
import { HubApiError } from '@huggingface/hub';
import { OliveError } from '../errors.ts';
import type { HubSettings } from './hub-settings.ts';
import { retryingFetch } from './retrying-fetch.ts';

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

export function hubClient(settings: HubSettings, baseFetch: typeof fetch = fetch): HubClient {
  return { hubUrl: settings.endpoint, accessToken: settings.token, fetch: retryingFetch(baseFetch) };
}

/** Turn a hub or network failure into one line that says what to do about it. */
export function hubFailure(error: unknown, repo: string, what: string, settings: HubSettings): OliveError {
  if (error instanceof OliveError) return error;
  if (error instanceof HubApiError) {
    const status = error.statusCode;
    const hint = status === 401 || status === 403 ? ': set HF_TOKEN to a token with access' : '';
    const reason = status === 404 ? 'not found' : `failed`;
    return new OliveError(`${what} of '${repo}' on ${settings.endpoint} ${reason} (HTTP ${status})${hint}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'SafetensorParseError') {
    return new OliveError(`${what} of '${repo}' are malformed: ${message}`, { cause: error });
  }
  return new HubUnreachableError(
    `${what} of '${repo}' from ${settings.endpoint} failed (${message}); set HF_HUB_OFFLINE=1 to use only the cache`,
    { cause: error },
  );
}
