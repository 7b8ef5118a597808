/**
 * The fetch every hub request goes through: undici with connect, first-byte (headers) and idle (between body
 * chunks) timeouts, and JSON API answers capped in size (an endless model-info answer grew to 3.5 GB before).
 */
import { Agent, fetch as undiciFetch } from 'undici';
import { OliveError } from '../errors.ts';
import type { HubTimeouts } from './hub-timeouts.ts';

/** A model-info answer with every file path of a 100,000-file repository is about 10 MB; 64 MiB is far past any real one. */
export const MAX_HUB_JSON_BYTES = 64 * 1024 * 1024;

export class HubResponseTooLargeError extends OliveError {
  constructor(url: string, limit: number) {
    super(`hub answer from ${new URL(url).pathname} is larger than ${limit} bytes: refused (a model-info answer is a few MB)`);
    this.name = 'HubResponseTooLargeError';
  }
}

export function timedFetch(timeouts: HubTimeouts, maxJsonBytes = MAX_HUB_JSON_BYTES): typeof fetch {
  const dispatcher = new Agent({
    connectTimeout: timeouts.connectMs,
    headersTimeout: timeouts.firstByteMs,
    bodyTimeout: timeouts.idleMs,
  });
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
    const response = (await undiciFetch(url, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1])) as unknown as Response;
    return isApiUrl(url) ? cappedResponse(response, url, maxJsonBytes) : response;
  }) as typeof fetch;
}

/** /api/… answers are JSON read whole by @huggingface/hub: the only ones read into memory. */
function isApiUrl(url: string): boolean {
  return new URL(url).pathname.startsWith('/api/');
}

function cappedResponse(response: Response, url: string, limit: number): Response {
  if (!response.body) return response;
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    void response.body.cancel();
    throw new HubResponseTooLargeError(url, limit);
  }
  let received = 0;
  const limiter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      received += chunk.byteLength;
      if (received > limit) controller.error(new HubResponseTooLargeError(url, limit));
      else controller.enqueue(chunk);
    },
  });
  const { status, statusText, headers } = response;
  return new Response(response.body.pipeThrough(limiter), { status, statusText, headers });
}

