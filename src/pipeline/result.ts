/**
 * What auto-opt did, as plain JSON data: printed by --json, drawn as the summary otherwise. `splits` is the plan's
 * list (the shape `--dry_run --json` promises: index, modules, layers, weight_bytes, runtime_bytes,
 * flops_per_token…), each completed with its files and measured memory once written.
 */
import type { QuantizeReport } from '../passes/quantize/quantize-weights.ts';
import type { PlanSplit, SplitPlan } from '../plan/types.ts';
import type { ValidationReport } from '../runtime/types.ts';
import type { SplitResult } from '../split/types.ts';
import type { LoadedInput } from './auto-opt.ts';
import type { AutoOptOptions } from './options.ts';
import type { StageTiming } from './stage-timer.ts';

export interface SplitSummary extends PlanSplit {
  /** Set once written: the split's .onnx file, its bytes on disk with its data file, its measured peak RSS. */
  file?: string;
  file_bytes?: number;
  measured_peak_rss_bytes?: number | null;
}

export interface AutoOptResult {
  splits: SplitSummary[];
  /** The plan's settings (method, strategy, budget…) without its splits, which are above; null when not split. */
  plan: Omit<SplitPlan, 'splits'> | null;
  output_path: string;
  dry_run: boolean;
  model: { kind: 'onnx' | 'hf'; source: string; folder: string };
  precision: AutoOptOptions['precision'];
  provider: AutoOptOptions['provider'];
  /** Initializers several splits use (tied embedding, rotary caches), written into each of them. */
  shared_initializers: { name: string; bytes: number; splits: number[] }[];
  duplicated_bytes: number;
  quantization: { bits: number; block_size: number; quantized_nodes: number; left_nodes: number; bytes_before: number; bytes_after: number; left_bytes: number } | null;
  /** The validation report (camelCase in the library; resultToJson writes it in snake_case like the rest). */
  validation: ValidationReport | null;
  stages: StageTiming[];
  /** Where --save_config_file wrote the run configuration. */
  config_file?: string;
}

/** What quantization did (the report of the quantize pass, whichever route ran it). */
export type SummaryQuantize = QuantizeReport;

export interface SummaryInputs {
  options: AutoOptOptions;
  input: LoadedInput;
  plan: SplitPlan | undefined;
  quantize?: SummaryQuantize;
  split?: SplitResult;
  /** Bytes on disk of each split (model file + data file), by index. */
  fileBytes?: number[];
  timings: StageTiming[];
}

export function summarize(inputs: SummaryInputs): AutoOptResult {
  const { options, input, plan, quantize, split } = inputs;
  const { splits: plannedSplits = [], ...planSettings } = plan ?? {};
  return {
    splits: plannedSplits.map((planned) => withWrittenFiles(planned, split, inputs.fileBytes ?? [])),
    plan: plan ? (planSettings as Omit<SplitPlan, 'splits'>) : null,
    output_path: options.outputPath,
    dry_run: options.dryRun,
    model: input.kind === 'onnx' ? { kind: 'onnx', source: input.path, folder: input.path } : { kind: 'hf', source: input.source.id, folder: input.source.dir },
    precision: options.precision,
    provider: options.provider,
    shared_initializers: split?.sharedInitializers ?? [],
    duplicated_bytes: split?.duplicatedBytes ?? 0,
    quantization: quantize ? quantizationSummary(quantize) : null,
    validation: split?.validation ?? null,
    stages: inputs.timings,
  };
}

function withWrittenFiles(planned: PlanSplit, split: SplitResult | undefined, fileBytes: number[]): SplitSummary {
  const written = split?.splits.find((candidate) => candidate.index === planned.index);
  if (!written) return planned;
  const measured = split?.validation?.memory?.find((m) => m.index === planned.index);
  return { ...planned, file: written.file, file_bytes: fileBytes[planned.index] ?? 0, measured_peak_rss_bytes: measured?.peakRssBytes ?? null };
}

/** The result as --json prints it: one naming convention, snake_case like the plan (the validation report converted). */
export function resultToJson(result: AutoOptResult): string {
  return `${JSON.stringify({ ...result, validation: result.validation && snakeKeys(result.validation) }, null, 2)}\n`;
}

function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(inner)]));
}

function quantizationSummary(report: QuantizeReport): NonNullable<AutoOptResult['quantization']> {
  return {
    bits: report.bits,
    block_size: report.blockSize,
    quantized_nodes: report.quantized.count,
    left_nodes: report.left.count,
    bytes_before: report.quantized.weightBytes,
    bytes_after: report.quantized.quantizedBytes,
    left_bytes: report.left.weightBytes,
  };
}
