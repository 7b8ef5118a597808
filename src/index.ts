/** The olive-node library: every stage the CLI runs, callable from a Node program. */
export * from './onnx/index.ts';
export { OliveError, UsageError, ParseError } from './errors.ts';
