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

export function hubSettings(env: NodeJS.ProcessEnv = process.env): HubSettings {
  const home = env.HF_HOME ?? path.join(env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'huggingface');
  const token = env.HF_TOKEN || storedToken(home);
  if (token !== undefined && !token.startsWith('hf_')) throw new OliveError(`HF_TOKEN must start with 'hf_'`);
  return {
    endpoint: (env.HF_ENDPOINT || DEFAULT_HUB_ENDPOINT).replace(/\/+$/, ''),
    token,
    offline: TRUE_VALUES.has((env.HF_HUB_OFFLINE ?? '').toLowerCase()),
    cacheDir: env.HF_HUB_CACHE ?? env.HUGGINGFACE_HUB_CACHE ?? path.join(home, 'hub'),
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
