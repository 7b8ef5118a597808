/**
 * The olive-node library: every stage the CLI runs, callable from a Node program, in the order data flows
 * (hf → arch → cost → plan → build → passes → split → runtime), with the ONNX model I/O beneath them.
 */
export * from './onnx/index.ts';
export * from './hf/index.ts';
export * from './arch/index.ts';
export * from './cost/index.ts';
export * from './plan/index.ts';
export * from './convert/index.ts';
export * from './passes/index.ts';
export * from './split/index.ts';
export * from './runtime/index.ts';
export * from './pipeline/index.ts';
export type { ExecutionProvider } from './providers.ts';
export { EXECUTION_PROVIDERS } from './providers.ts';
export { OliveError, UsageError, ParseError } from './errors.ts';
export { version } from './version.ts';
