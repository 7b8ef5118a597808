import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hubTimeouts } from '../../src/hf/hub-timeouts.ts';
import { DEFAULT_HUB_ENDPOINT, hubSettings } from '../../src/hf/hub-settings.ts';

describe('hubSettings', () => {
  it('defaults like Python huggingface_hub', () => {
    const settings = hubSettings({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg' });
    expect(settings).toEqual({ endpoint: DEFAULT_HUB_ENDPOINT, token: undefined, offline: false, cacheDir: '/xdg/huggingface/hub', timeouts: hubTimeouts({}) });
  });

  it('puts the cache under HF_HOME, and HF_HUB_CACHE wins over it', () => {
    expect(hubSettings({ HF_HOME: '/nonexistent-hf-home' }).cacheDir).toBe('/nonexistent-hf-home/hub');
    expect(hubSettings({ HF_HOME: '/nonexistent-hf-home', HF_HUB_CACHE: '/c' }).cacheDir).toBe('/c');
  });

  it('reads HF_ENDPOINT without a trailing slash and HF_HUB_OFFLINE truthy values', () => {
    expect(hubSettings({ HF_ENDPOINT: 'http://127.0.0.1:8080/', HF_HOME: '/nonexistent-hf-home' }).endpoint).toBe('http://127.0.0.1:8080');
    for (const value of ['1', 'ON', 'yes', 'True']) expect(hubSettings({ HF_HUB_OFFLINE: value, HF_HOME: '/nonexistent-hf-home' }).offline).toBe(true);
    for (const value of ['0', '', 'no']) expect(hubSettings({ HF_HUB_OFFLINE: value, HF_HOME: '/nonexistent-hf-home' }).offline).toBe(false);
  });

  it('takes HF_TOKEN, else the token `huggingface-cli login` stored, and refuses a malformed one', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'olive-hf-home-'));
    try {
      await writeFile(path.join(home, 'token'), 'hf_stored\n');
      expect(hubSettings({ HF_HOME: home }).token).toBe('hf_stored');
      expect(hubSettings({ HF_HOME: home, HF_TOKEN: 'hf_env' }).token).toBe('hf_env');
      expect(() => hubSettings({ HF_HOME: home, HF_TOKEN: 'secret' })).toThrow("HF_TOKEN must start with 'hf_'");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
