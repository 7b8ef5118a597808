import type { HfConfig } from '../hf/config.ts';
import { familyOf } from './open-architecture.ts';
import type { ArchName } from './types.ts';

/** The architecture family of a config: architectures[0] first, model_type when that is absent. */
export function resolveArchitecture(config: HfConfig): ArchName {
  return familyOf(config).arch;
}
