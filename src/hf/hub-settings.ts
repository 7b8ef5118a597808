/**
 * The hub settings Python's huggingface_hub reads from the environment. @huggingface/hub reads none of the token
 * or endpoint variables itself, so every call gets them from here explicitly.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { OliveError } from '../errors.ts';
import { hubTimeouts, type HubTimeouts } from './hub-timeouts.ts';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** Values Python's huggingface_hub treats as "true" for boolean variables such as HF_HUB_OFFLINE. */
const TRUE_VALUES = new Set(['1', 'on', 'yes', 'true']);

export interface HubSettings {
  endpoint: string;
  token: string | undefined;
  offline: boolean;
  /** The hub cache root (Python's layout: models--org--name/{blobs,refs,snapshots}). */
  cacheDir: string;
  /** Connect, first-byte and idle timeouts, Retry-After cap (OLIVE_HUB_*_MS override them). */
  timeouts: HubTimeouts;
}

function hubHome(env: NodeJS.ProcessEnv): string {
  return env.HF_HOME ?? path.join(env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'huggingface');
}

function hubCacheDir(env: NodeJS.ProcessEnv, home: string): string {
  return env.HF_HUB_CACHE ?? env.HUGGINGFACE_HUB_CACHE ?? path.join(home, 'hub');
}

/** HF_HOME (token, cache) and the hub cache itself: folders nothing may delete (they can lie apart). */
export function hubCacheFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = hubHome(env);
  return [home, hubCacheDir(env, home)];
}

export function hubSettings(env: NodeJS.ProcessEnv = process.env): HubSettings {
  const home = hubHome(env);
  const token = env.HF_TOKEN || storedToken(home);
  if (token !== undefined && !token.startsWith('hf_')) throw new OliveError(`HF_TOKEN must start with 'hf_'`);
  return {
    endpoint: (env.HF_ENDPOINT || DEFAULT_HUB_ENDPOINT).replace(/\/+$/, ''),
    token,
    offline: TRUE_VALUES.has((env.HF_HUB_OFFLINE ?? '').toLowerCase()),
    cacheDir: hubCacheDir(env, home),
    timeouts: hubTimeouts(env),
  };
}

/** `huggingface-cli login` stores the token in $HF_HOME/token. */
function storedToken(home: string): string | undefined {
  try {
    return readFileSync(path.join(home, 'token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
