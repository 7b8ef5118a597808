import type { HfConfig } from '../hf/config.ts';
import { applyCheckpointShapes } from './apply-checkpoint-shapes.ts';
import { familyConfig } from './open-architecture.ts';
import type { CheckpointShapes, ModuleSpec } from './types.ts';

/**
 * The leaf modules of a model in registration order, from its registry entry. Shapes follow config.json; given
 * the checkpoint's headers, they are taken from there and each must agree with the config.
 */
export function describeModules(config: HfConfig, checkpoint?: CheckpointShapes): ModuleSpec[] {
  const { family, dims } = familyConfig(config);
  const modules = family.modules(dims);
  return checkpoint ? applyCheckpointShapes(modules, checkpoint, dims.tiedEmbeddings) : modules;
}
