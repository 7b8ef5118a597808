/** What auto-opt did, as plain JSON data: printed by --json, drawn as the summary table otherwise. */
import type { OptimizeOnnxReport } from '../passes/optimize-onnx-model.ts';
import type { QuantizeReport } from '../passes/quantize/quantize-weights.ts';
import type { SplitPlan } from '../plan/types.ts';
import type { ValidationReport } from '../runtime/types.ts';
import type { SplitResult } from '../split/types.ts';
import type { LoadedInput } from './auto-opt.ts';
import type { AutoOptOptions } from './options.ts';
import type { StageTiming } from './stage-timer.ts';

export interface SplitSummary {
  index: number;
  file: string;
  layers: [number, number] | null;
  modules: number;
  file_bytes: number;
  weight_bytes: number;
  estimated_runtime_bytes: number;
  measured_peak_rss_bytes: number | null;
}

export interface AutoOptResult {
  output_path: string;
  dry_run: boolean;
  model: { kind: 'onnx' | 'hf'; source: string; folder: string };
  precision: AutoOptOptions['precision'];
  provider: AutoOptOptions['provider'];
  plan: SplitPlan | null;
  splits: SplitSummary[];
  duplicated_bytes: number;
  quantization: { bits: number; block_size: number; quantized_nodes: number; left_nodes: number; bytes_before: number; bytes_after: number } | null;
  validation: { passed: boolean; max_abs_difference: number; provider: string; checked: string[]; not_checked: string[] } | null;
  stages: StageTiming[];
  /** Where --save_config_file wrote the run configuration. */
  config_file?: string;
}

export interface SummaryInputs {
  options: AutoOptOptions;
  input: LoadedInput;
  plan: SplitPlan | undefined;
  optimized?: OptimizeOnnxReport;
  split?: SplitResult;
  /** Bytes on disk of each split (model file + data file), by index. */
  fileBytes?: number[];
  timings: StageTiming[];
}

export function summarize(inputs: SummaryInputs): AutoOptResult {
  const { options, input, plan, optimized, split } = inputs;
  return {
    output_path: options.outputPath,
    dry_run: options.dryRun,
    model: input.kind === 'onnx' ? { kind: 'onnx', source: input.path, folder: input.path } : { kind: 'hf', source: input.source.id, folder: input.source.dir },
    precision: options.precision,
    provider: options.provider,
    plan: plan ?? null,
    splits: split ? splitSummaries(split, plan, inputs.fileBytes ?? []) : [],
    duplicated_bytes: split?.duplicatedBytes ?? 0,
    quantization: optimized?.quantize ? quantizationSummary(optimized.quantize) : null,
    validation: split?.validation ? validationSummary(split.validation) : null,
    stages: inputs.timings,
  };
}

function splitSummaries(split: SplitResult, plan: SplitPlan | undefined, fileBytes: number[]): SplitSummary[] {
  return split.splits.map((written) => {
    const planned = plan?.splits[written.index];
    const measured = split.validation?.memory?.find((m) => m.index === written.index);
    return {
      index: written.index,
      file: written.file,
      layers: planned?.layers ?? null,
      modules: planned?.modules.length ?? 0,
      file_bytes: fileBytes[written.index] ?? 0,
      weight_bytes: written.weightBytes,
      estimated_runtime_bytes: planned?.runtime_bytes ?? 0,
      measured_peak_rss_bytes: measured?.peakRssBytes ?? null,
    };
  });
}

function validationSummary(report: ValidationReport): NonNullable<AutoOptResult['validation']> {
  return {
    passed: report.passed,
    max_abs_difference: report.maxAbsDifference,
    provider: report.provider,
    checked: report.checked,
    not_checked: report.notChecked,
  };
}

function quantizationSummary(report: QuantizeReport): NonNullable<AutoOptResult['quantization']> {
  return {
    bits: report.bits,
    block_size: report.blockSize,
    quantized_nodes: report.quantized.count,
    left_nodes: report.left.count,
    bytes_before: report.quantized.weightBytes,
    bytes_after: report.quantized.quantizedBytes,
  };
}
