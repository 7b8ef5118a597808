/** auto-opt end to end, callable without the CLI. */
export { runAutoOpt, type LoadedInput } from './auto-opt.ts';
export type { AutoOptOptions, Device } from './options.ts';
export type { AutoOptResult, SplitSummary } from './result.ts';
export { formatAutoOptSummary } from './format-summary.ts';
export { silentReporter, type Reporter, type Progress } from './reporter.ts';
