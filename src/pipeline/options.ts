/** What auto-opt is asked to do, after the CLI has parsed and validated the flags (also the library's input). */
import type { OutputPrecision } from '../precisions.ts';
import type { ExecutionProvider } from '../providers.ts';
import type { BudgetCovers, SplitGranularity, SplitStrategy } from '../plan/types.ts';
import type { SplitRequest } from '../plan/validate-split-flags.ts';
import type { OutputLayout } from '../layout/output-layout.ts';

export type Device = 'cpu' | 'gpu' | 'npu';

export interface AutoOptOptions {
  /** Hub id, local Hugging Face folder, or .onnx file (or a folder holding one). */
  model: string;
  outputPath: string;
  device: Device;
  provider: ExecutionProvider;
  precision: OutputPrecision;
  /** No split, equal layers (--num-splits), or a memory budget (--memory, with or without --cost-model). */
  split: SplitRequest;
  splitStrategy: SplitStrategy;
  splitGranularity: SplitGranularity;
  budgetCovers: BudgetCovers;
  contextLength?: number;
  blockSize: number;
  accuracyLevel?: number;
  symmetric: boolean;
  validate: boolean;
  force: boolean;
  dryRun: boolean;
  saveConfigFile: boolean;
  /** File names of an unsplit output: Olive's (default) or Transformers.js's onnx/ folder (a split output is always Olive's). */
  layout?: OutputLayout;
  logLevel: 0 | 1 | 2 | 3 | 4;
}
