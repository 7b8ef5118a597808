/** What each supported architecture's modules are: names, order (Olive's registration order) and shapes. */
export type * from './types.ts';
export { resolveArchitecture } from './resolve-architecture.ts';
export { describeModules } from './describe-modules.ts';
