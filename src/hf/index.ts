/** Hugging Face models: resolve a hub id or folder, read config.json and safetensors headers, stream tensors. */
export { resolveModelSource, DEFAULT_REVISION } from './resolve-model-source.ts';
export type { ModelSource, ResolveModelOptions, WeightsMode } from './model-source.ts';
export type { DownloadProgress } from './download-to-cache.ts';
export { hubSettings, type HubSettings } from './hub-settings.ts';
export { readConfig, parseConfig, headDim, kvHeads, architecture, type HfConfig, type RopeScaling } from './config.ts';
export { openCheckpoint, checkpointSource, listSafetensorsFiles, type Checkpoint, type CheckpointTensor } from './checkpoint.ts';
export {
  readSafetensorsHeader,
  parseSafetensorsHeader,
  safetensorsSource,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
  type SafetensorsDtype,
} from './safetensors.ts';
