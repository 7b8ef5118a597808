/** Model passes on ONNX graphs: ORT graph optimization, fp16 conversion, int4/int8 weight quantization. */
export { optimizeOnnxModel, type OptimizeOnnxOptions, type OptimizeOnnxReport } from './optimize-onnx-model.ts';
export { quantizeWeights, type QuantizeResult, type QuantizeReport } from './quantize/quantize-weights.ts';
export type { QuantizedNodeReport, LeftNodeReport } from './quantize/quantize-report.ts';
export type { LeftReason, WeightPattern } from './quantize/find-weight-matmuls.ts';
export {
  resolveQuantizeOptions,
  DEFAULT_BLOCK_SIZE,
  MIN_BLOCK_SIZE,
  MAX_BLOCK_SIZE,
  type QuantizeOptions,
  type ResolvedQuantizeOptions,
} from './quantize/options.ts';
export type { QuantizeThroughput } from './quantize/quantized-weight-store.ts';
export { blockQuantize, dequantize, type BlockQuantized, type BlockQuantizeSettings, type QuantBits } from './quantize/block-quantize.ts';
export { convertToFp16, type Fp16Options, type Fp16Report, type Fp16Result } from './fp16/convert-to-fp16.ts';
export { CPU_FP16_OPS, FP16_BLOCKED_OPS } from './fp16/fp16-kernels.ts';
export { optimizeWithOrt, type OrtOptimizationLevel, type OrtOptimizeOptions, type OrtOptimizeResult } from './optimize/optimize-with-ort.ts';
export { restoreNodeMetadata } from './optimize/restore-node-metadata.ts';
export { compareOutputs, type OutputDifference } from './verify/compare-outputs.ts';
export { syntheticFeeds } from './verify/synthetic-feeds.ts';
