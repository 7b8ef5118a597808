/**
 * How long a hub request may wait at each step before it fails with a message saying which step stalled. Without
 * these, Node's fetch waits 300 s for the first byte and 300 s between body chunks (a hub that accepts and never
 * answers took 914 s to fail, three tries of 300 s). Each can be overridden by the environment (tests use
 * milliseconds; a very slow link may want more).
 */

/** A TCP + TLS handshake to a CDN takes well under a second; 10 s is undici's own default and covers a bad link. */
export const HUB_CONNECT_TIMEOUT_MS = 10_000;
/**
 * Hub API answers and CDN redirects arrive in a second or two; Python's huggingface_hub allows 10 s
 * (HF_HUB_ETAG_TIMEOUT), 30 s leaves room for a cold LFS object behind a slow CDN edge.
 */
export const HUB_FIRST_BYTE_TIMEOUT_MS = 30_000;
/** Between two body chunks: a live transfer sends data every few ms; Python allows 10 s (HF_HUB_DOWNLOAD_TIMEOUT). */
export const HUB_IDLE_TIMEOUT_MS = 30_000;
/** A 429/503 Retry-After is honoured up to this; a hub asking for longer fails at once rather than seeming to hang. */
export const HUB_RETRY_AFTER_CAP_MS = 60_000;

export interface HubTimeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
  retryAfterCapMs: number;
}

const OVERRIDES: Record<keyof HubTimeouts, string> = {
  connectMs: 'OLIVE_HUB_CONNECT_TIMEOUT_MS',
  firstByteMs: 'OLIVE_HUB_FIRST_BYTE_TIMEOUT_MS',
  idleMs: 'OLIVE_HUB_IDLE_TIMEOUT_MS',
  retryAfterCapMs: 'OLIVE_HUB_RETRY_AFTER_CAP_MS',
};

export function hubTimeouts(env: NodeJS.ProcessEnv = process.env): HubTimeouts {
  const defaults: HubTimeouts = {
    connectMs: HUB_CONNECT_TIMEOUT_MS,
    firstByteMs: HUB_FIRST_BYTE_TIMEOUT_MS,
    idleMs: HUB_IDLE_TIMEOUT_MS,
    retryAfterCapMs: HUB_RETRY_AFTER_CAP_MS,
  };
  for (const key of Object.keys(OVERRIDES) as Array<keyof HubTimeouts>) {
    const value = Number(env[OVERRIDES[key]]);
    if (env[OVERRIDES[key]] !== undefined && Number.isFinite(value) && value >= 0) defaults[key] = value;
  }
  return defaults;
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
