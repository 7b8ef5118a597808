/**
 * auto-opt's optimize and quantize stages on one ONNX model: ONNX Runtime graph optimization, then fp16
 * conversion or int4/int8 weight quantization, written to `<outDir>/model.onnx` (+ `.data`), then the written
 * model is run next to the original on synthetic inputs to measure how far its outputs moved.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { OutputPrecision } from '../precisions.ts';
import path from 'node:path';
import { OliveError } from '../errors.ts';
import { DataType } from '../onnx/data-types.ts';
import { readModel } from '../onnx/read-model.ts';
import { getTensorSource, sourceLength } from '../onnx/tensor-source.ts';
import type { ModelProto } from '../onnx/types.ts';
import { allInitializers } from '../onnx/walk.ts';
import { writeModel } from '../onnx/write-model.ts';
import { reportWriteProgress, type WriteProgress } from '../onnx/write-progress.ts';
import { convertToFp16, type Fp16Report } from './fp16/convert-to-fp16.ts';
import { dropDuplicateInitializers } from './optimize/drop-duplicate-initializers.ts';
import { optimizeWithOrt, type OrtOptimizationLevel } from './optimize/optimize-with-ort.ts';
import { restoreNodeMetadata } from './optimize/restore-node-metadata.ts';
import type { ExecutionProvider } from '../providers.ts';
import { quantizeWeights, type QuantizeReport } from './quantize/quantize-weights.ts';
import type { QuantizeThroughput } from './quantize/quantized-weight-store.ts';
import { compareOutputs, type OutputDifference } from './verify/compare-outputs.ts';
import { syntheticFeeds } from './verify/synthetic-feeds.ts';


export interface OptimizeOnnxOptions {
  precision: OutputPrecision;
  /** Default CPUExecutionProvider. CUDA int4/int8 models get fp16 weights, scales and I/O (as the model builder). */
  provider?: ExecutionProvider;
  /** Quantization block size (default 32), accuracy level (default 4 on CPU, else 0), symmetric (default true). */
  blockSize?: number;
  accuracyLevel?: number;
  symmetric?: boolean;
  /** ONNX Runtime optimization level, or 'none' to skip it. Default 'extended'. */
  ortLevel?: OrtOptimizationLevel | 'none';
  /** fp16 only: keep float32 graph inputs and outputs. Default false (fp16 I/O). */
  keepIoTypes?: boolean;
  /** Worker threads for quantization (default: the machine's parallelism, capped). */
  threads?: number;
  /** Run the written model next to the original on synthetic inputs. Default true. */
  verify?: boolean;
  /** Tensors and bytes written so far (quantization happens while the model is written). */
  onProgress?: (progress: WriteProgress) => void;
}

export interface OptimizeOnnxReport {
  input: string;
  modelPath: string;
  dataPath: string | undefined;
  precision: OutputPrecision;
  provider: ExecutionProvider;
  ortLevel: OrtOptimizationLevel | 'none';
  nodes: { input: number; output: number };
  /** Initializer bytes of the input model and of the written one. */
  weightBytes: { input: number; output: number };
  fp16: Fp16Report | undefined;
  quantize: (QuantizeReport & { throughput: QuantizeThroughput }) | undefined;
  seconds: { ortOptimize: number; convertAndWrite: number; verify: number; total: number };
  /** Per output: largest difference from the original model. Absent when not verified or I/O types changed. */
  verification: OutputDifference[] | undefined;
}

export async function optimizeOnnxModel(inputPath: string, outDir: string, options: OptimizeOnnxOptions): Promise<OptimizeOnnxReport> {
  const started = performance.now();
  const provider = options.provider ?? 'CPUExecutionProvider';
  const ortLevel = options.ortLevel ?? 'extended';
  const original = await readModel(inputPath);
  await mkdir(outDir, { recursive: true });
  const modelPath = path.join(outDir, 'model.onnx');
  if (path.resolve(modelPath) === original.path) throw new OliveError(`output folder ${outDir} holds the input model: choose another`);
  // Same filesystem as the output: ORT's optimized copy of a large model may not fit in the system temp folder.
  const scratch = await mkdtemp(path.join(outDir, '.olive-optimize-'));
  try {
    const optimizedPath = ortLevel === 'none' ? original.path : (await optimizeWithOrt(original.path, path.join(scratch, 'optimized.onnx'), { level: ortLevel })).modelPath;
    const afterOrt = performance.now();
    const optimized = ortLevel === 'none' ? original.model : restoreNodeMetadata(original.model, dropDuplicateInitializers((await readModel(optimizedPath)).model));
    const converted = await convertAndWrite(optimized, modelPath, options, provider);
    const afterWrite = performance.now();
    const verification = options.verify === false || ioTypesChange(options, provider)
      ? undefined
      : await compareOutputs(original.path, modelPath, syntheticFeeds(original.model));
    const written = await readModel(modelPath);
    return {
      input: original.path,
      modelPath,
      dataPath: converted.dataPath,
      precision: options.precision,
      provider,
      ortLevel,
      nodes: { input: nodeCount(original.model), output: nodeCount(written.model) },
      weightBytes: { input: weightBytes(original.model), output: weightBytes(written.model) },
      fp16: converted.fp16,
      quantize: converted.quantize,
      seconds: {
        ortOptimize: (afterOrt - started) / 1000,
        convertAndWrite: (afterWrite - afterOrt) / 1000,
        verify: (performance.now() - afterWrite) / 1000,
        total: (performance.now() - started) / 1000,
      },
      verification,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

interface Converted {
  dataPath: string | undefined;
  fp16: Fp16Report | undefined;
  quantize: (QuantizeReport & { throughput: QuantizeThroughput }) | undefined;
}

async function convertAndWrite(model: ModelProto, modelPath: string, options: OptimizeOnnxOptions, provider: ExecutionProvider): Promise<Converted> {
  const wantsFp16 = options.precision === 'fp16' || (options.precision !== 'fp32' && provider === 'CUDAExecutionProvider');
  // A model whose weights are already fp16 keeps its own Casts (float32 islands it chose): it is not converted again.
  const fp16 = wantsFp16 && hasFloat32Weights(model)
    ? convertToFp16(model, { keepIoTypes: options.precision === 'fp16' && Boolean(options.keepIoTypes), provider })
    : undefined;
  const source = fp16?.model ?? model;
  if (options.precision !== 'int4' && options.precision !== 'int8') {
    const { dataPath } = await writeModel(modelPath, source, { onTensorWritten: reportWriteProgress(source, options.onProgress) });
    return { dataPath, fp16: fp16?.report, quantize: undefined };
  }
  const quantized = await quantizeWeights(source, {
    bits: options.precision === 'int4' ? 4 : 8,
    blockSize: options.blockSize,
    accuracyLevel: options.accuracyLevel,
    symmetric: options.symmetric,
    provider,
    threads: options.threads,
  });
  try {
    const { dataPath } = await writeModel(modelPath, quantized.model, { onTensorWritten: reportWriteProgress(quantized.model, options.onProgress) });
    return { dataPath, fp16: fp16?.report, quantize: { ...quantized.report, throughput: quantized.throughput() } };
  } finally {
    await quantized.close();
  }
}

/** fp16 I/O (fp16 without keepIoTypes, CUDA int4/int8) takes other inputs than the original: not compared. */
function ioTypesChange(options: OptimizeOnnxOptions, provider: ExecutionProvider): boolean {
  if (options.precision === 'fp16') return !options.keepIoTypes;
  return options.precision !== 'fp32' && provider === 'CUDAExecutionProvider';
}

function hasFloat32Weights(model: ModelProto): boolean {
  return (model.graph?.initializer ?? []).some((tensor) => tensor.data_type === DataType.FLOAT);
}

function nodeCount(model: ModelProto): number {
  return model.graph?.node?.length ?? 0;
}

function weightBytes(model: ModelProto): number {
  let total = 0;
  for (const tensor of allInitializers(model)) {
    const source = getTensorSource(tensor);
    if (source) total += sourceLength(source);
  }
  return total;
}
