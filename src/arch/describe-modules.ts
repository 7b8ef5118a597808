import type { HfConfig } from '../hf/config.ts';
import { applyCheckpointShapes } from './apply-checkpoint-shapes.ts';
import { DECODER_LAYOUTS } from './decoder-layouts.ts';
import { decoderModules } from './decoder-modules.ts';
import { modelDims } from './model-dims.ts';
import { phi3Modules } from './phi3-modules.ts';
import { resolveArchitecture } from './resolve-architecture.ts';
import type { CheckpointShapes, ModuleSpec } from './types.ts';

/**
 * The leaf modules of a model in registration order. Shapes follow config.json; given the checkpoint's headers,
 * they are taken from there and each must agree with the config.
 */
export function describeModules(config: HfConfig, checkpoint?: CheckpointShapes): ModuleSpec[] {
  const arch = resolveArchitecture(config);
  const dims = modelDims(config, arch);
  const modules = arch === 'phi3' ? phi3Modules(dims) : decoderModules(dims, DECODER_LAYOUTS[arch]);
  return checkpoint ? applyCheckpointShapes(modules, checkpoint, dims.tiedEmbeddings) : modules;
}
