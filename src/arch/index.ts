/** What each supported architecture is: its math (one registry entry per family) and its modules (names, order, shapes). */
export type * from './types.ts';
export type { Architecture, LayerAttention, MlpActivation } from './architecture.ts';
export type { RopeSpec } from './rope-config.ts';
export { resolveArchitecture } from './resolve-architecture.ts';
export { describeModules } from './describe-modules.ts';
export { openArchitecture, familyOf } from './open-architecture.ts';
export { FAMILIES, type FamilyEntry } from './registry.ts';
