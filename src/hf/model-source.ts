import type { CheckpointShapes } from '../arch/types.ts';
import type { HfConfig } from './config.ts';
import type { DownloadProgress } from './download-to-cache.ts';

/** 'headers': config.json and safetensors headers only (cost tables); 'full': every file a conversion needs. */
export type WeightsMode = 'headers' | 'full';

export interface ResolveModelOptions {
  weights: WeightsMode;
  onProgress?: (progress: DownloadProgress) => void;
  /** Branch, tag or commit on the hub (default main). */
  revision?: string;
  /** Where HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE, HF_HOME, HF_HUB_CACHE are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** Judges config.json as soon as it is read, before any weight or header is fetched; throws to refuse the model. */
  checkConfig?: (config: HfConfig) => void;
}

export interface ModelSource {
  kind: 'local' | 'hub';
  /** The argument as given: a folder path or a hub id. */
  id: string;
  /** The folder holding config.json (and, for 'full', the weights and tokenizer): the local folder or the cache snapshot. */
  dir: string;
  /** The hub commit the files come from; absent for a local folder. */
  commit?: string;
  config: HfConfig;
  /** Tensor shapes from the safetensors headers; null when the model has no safetensors (shapes then come from config). */
  checkpoint: CheckpointShapes | null;
}
