/**
 * The olive-node library: the operations a Node program needs, in the order data flows (resolve a model, cost
 * table, plan, convert, passes, split, validate, generate), the model I/O they share, and their types. This list
 * is the package's public API (semver covers it); every name is imported from the module that defines it, so a
 * consumer's type check reads only what these declarations need. Stage internals (graph building, ONNX wire
 * format, tensor sources) stay unexported.
 */

// auto-opt end to end (what `olive auto-opt` runs)
export { runAutoOpt } from './pipeline/auto-opt.ts';
export type { AutoOptOptions, Device } from './pipeline/options.ts';
export type { AutoOptResult, SplitSummary } from './pipeline/result.ts';
export { formatAutoOptSummary } from './pipeline/format-summary.ts';
export { silentReporter, type Reporter, type Progress } from './pipeline/reporter.ts';

// Hugging Face models: a hub id or a folder, its config
export { resolveModelSource } from './hf/resolve-model-source.ts';
export type { ModelSource, ResolveModelOptions, WeightsMode } from './hf/model-source.ts';
export type { DownloadProgress } from './hf/download-to-cache.ts';
export { readConfig, type HfConfig, type RopeScaling } from './hf/config.ts';

// the cost table (Olive's CSV)
export { generateCostModel, type GenerateCostModelOptions, type GenerateCostModelResult } from './generate-cost-model/generate-cost-model.ts';
export { costTable } from './cost/cost-table.ts';
export { readCostCsv } from './cost/read-cost-csv.ts';
export { parseCostCsv } from './cost/parse-cost-csv.ts';
export { formatCostCsv, COST_CSV_HEADER } from './cost/format-cost-csv.ts';
export { writeCostCsv } from './cost/write-cost-csv.ts';
export { checkCostTableMatchesModel } from './cost/check-cost-table.ts';
export type { CostRow } from './cost/types.ts';

// planning splits
export { parseMemory, type MemoryDialect } from './plan/parse-memory.ts';
export { planMemorySplits } from './plan/plan-memory-splits.ts';
export { planEqualSplits, type EqualPlanOptions } from './plan/plan-equal-splits.ts';
export { runtimeModelFromConfig } from './plan/runtime-model-from-config.ts';
export { planToJson } from './plan/plan-to-json.ts';
export { formatPlanTable } from './plan/format-plan-table.ts';
export type { BudgetCovers, MemoryPlanOptions, PlanSplit, RuntimeModel, SplitGranularity, SplitPlan, SplitStrategy } from './plan/types.ts';

// converting a checkpoint to an ONNX decoder, and the precision passes
export { buildDecoder } from './convert/build-decoder.ts';
export { SUPPORTED_ARCHITECTURES } from './arch/registry.ts';
export { openArchitecture } from './arch/open-architecture.ts';
export type { Architecture } from './arch/architecture.ts';
export type { BuildOptions, BuildResult, BuildProgress } from './convert/types.ts';
export { optimizeOnnxModel, type OptimizeOnnxOptions, type OptimizeOnnxReport } from './passes/optimize-onnx-model.ts';
export { quantizeWeights, type QuantizeResult, type QuantizeReport } from './passes/quantize/quantize-weights.ts';
export { resolveQuantizeOptions, type QuantizeOptions, type ResolvedQuantizeOptions } from './passes/quantize/options.ts';
export { convertToFp16, type Fp16Options, type Fp16Report, type Fp16Result } from './passes/fp16/convert-to-fp16.ts';

// splitting, validating and generating
export { splitModel, type SplitModelOptions } from './split/split-model.ts';
export { SplitValidationError } from './split/split-validation-error.ts';
export type { NodeAssignment, SplitResult, SplitTarget, WrittenSplit, SharedInitializer } from './split/types.ts';
export { validateSplit, type ValidateSplitOptions } from './runtime/validate-split.ts';
export { formatValidationReport } from './runtime/format-validation-report.ts';
export type { ValidationReport, SplitMemory, StepComparison, TensorDifference } from './runtime/types.ts';
export { generateGreedy, type GenerateOptions } from './runtime/generate-greedy.ts';
export { CascadeModel, SplitLoadError, type CascadeOptions, type MemoryMode } from './runtime/cascade/cascade-model.ts';
export { DecoderState } from './runtime/cascade/decoder-state.ts';
export { resolveModelFiles, type ModelFiles, type ModelLayout } from './runtime/cascade/model-files.ts';
export { generateText, DEFAULT_MAX_NEW_TOKENS } from './generate/generate-text.ts';
export type { GenerateTextOptions, GenerateTextResult, StopReason } from './generate/types.ts';
export { formatGenerateStats } from './generate/format-stats.ts';

// reading and writing ONNX models (external data streamed by byte range)
export { readModel, type LoadedModel, type ReadModelOptions, type ReadMode } from './onnx/read-model.ts';
export { writeModel, type WriteModelOptions, type WriteModelResult } from './onnx/write-model.ts';
export type { ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto } from './onnx/types.ts';

// the output folder's file names
export {
  MODEL_FILE, MODEL_CONFIG_FILE, GENAI_CONFIG_FILE, SPLIT_PLAN_FILE, OUTPUT_LAYOUTS, splitFileName, dataFileName, unsplitModelFiles,
  type OutputLayout, type UnsplitModelFiles,
} from './layout/output-layout.ts';

export { EXECUTION_PROVIDERS, type ExecutionProvider } from './providers.ts';
export { WEIGHT_PRECISIONS, OUTPUT_PRECISIONS, FLOAT_PRECISIONS, type Precision, type OutputPrecision, type FloatPrecision, type IoPrecision } from './precisions.ts';
export { OliveError, UsageError, ParseError } from './errors.ts';
export { version } from './version.ts';
