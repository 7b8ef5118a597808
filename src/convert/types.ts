/** The builder's public contract: options in, files and graph facts out. */
import type { WriteProgress } from '../onnx/write-progress.ts';
import type { FloatPrecision } from '../precisions.ts';
import type { ExecutionProvider } from '../providers.ts';
import type { Dim } from './graph-builder.ts';
import type { LinearEmitter } from './linear.ts';
import type { AttentionKind, Normalization } from './build-context.ts';


/** Which RMSNorm operators each provider runs: both have ONNX Runtime's fused (Skip)SimplifiedLayerNormalization. */
export const PROVIDER_NORMALIZATION: Record<ExecutionProvider, Normalization> = {
  CPUExecutionProvider: 'fused',
  CUDAExecutionProvider: 'fused',
};

/** ONNX Runtime's CUDA GroupQueryAttention exists for fp16 (and bf16) only; its CPU kernel for fp32 and fp16. */
export function defaultAttention(provider: ExecutionProvider, precision: FloatPrecision): AttentionKind {
  return provider === 'CUDAExecutionProvider' && precision === 'fp32' ? 'plain' : 'group-query';
}


/** Tensors and bytes written to the data file so far. */
export type BuildProgress = WriteProgress;

export interface DecoderGraphOptions {
  /** A local Hugging Face folder: config.json and model.safetensors (or shards with an index). */
  modelDir: string;
  precision: FloatPrecision;
  provider: ExecutionProvider;
  /** Longest sequence the model will run (rotary cache length); default max_position_embeddings. */
  contextLength?: number;
  /** Replaces how Linear layers become nodes (quantization); default MatMul with a transposed float weight. */
  emitLinear?: LinearEmitter;
  /** RMSNorm operators; default the provider's choice (both supported providers run the fused ones). */
  normalization?: Normalization;
  /** Attention operators; default GroupQueryAttention where the provider has it for the precision. */
  attention?: AttentionKind;
}

export interface BuildOptions extends DecoderGraphOptions {
  outDir: string;
  /** Default model.onnx; the weights go to `<fileName>.data` beside it. */
  fileName?: string;
  onProgress?: (progress: BuildProgress) => void;
}

export interface GraphValue {
  name: string;
  /** ONNX element type (DataType code). */
  dataType: number;
  dims: Dim[];
}

export interface BuildResult {
  modelPath: string;
  /** The external data file; absent when every tensor was small enough to stay inline. */
  dataPath: string | undefined;
  genaiConfigPath: string;
  /** Tokenizer files copied beside the model (absolute paths). */
  tokenizerFiles: string[];
  inputs: GraphValue[];
  outputs: GraphValue[];
  numLayers: number;
  contextLength: number;
  architecture: string;
  precision: FloatPrecision;
  provider: ExecutionProvider;
  /** Bytes written to the data file. */
  weightBytes: number;
}
