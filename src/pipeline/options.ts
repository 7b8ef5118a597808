/** What auto-opt is asked to do, after the CLI has parsed and validated the flags (also the library's input). */
import type { SplitGranularity, SplitStrategy } from '../plan/types.ts';

export type Precision = 'fp32' | 'fp16' | 'int4' | 'int8';
export type Provider = 'CPUExecutionProvider' | 'CUDAExecutionProvider';
export type Device = 'cpu' | 'gpu' | 'npu';

export interface AutoOptOptions {
  /** Hub id, local Hugging Face folder, or .onnx file (or a folder holding one). */
  model: string;
  outputPath: string;
  device: Device;
  provider: Provider;
  precision: Precision;
  /** Accelerator memory in bytes (--memory). */
  memoryBytes?: number;
  numSplits?: number;
  costModelPath?: string;
  splitStrategy: SplitStrategy;
  splitGranularity: SplitGranularity;
  budgetCovers: 'weights' | 'runtime';
  contextLength?: number;
  blockSize: number;
  accuracyLevel?: number;
  symmetric: boolean;
  validate: boolean;
  force: boolean;
  dryRun: boolean;
  saveConfigFile: boolean;
  logLevel: 0 | 1 | 2 | 3 | 4;
}
