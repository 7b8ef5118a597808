/** What every part of the decoder graph is built from: the graph so far, the checked spec, the weights, the precision. */
import type { Checkpoint, CheckpointTensor } from '../hf/checkpoint.ts';
import type { Architecture } from '../arch/architecture.ts';
import type { GraphBuilder } from './graph-builder.ts';
import type { LinearEmitter } from './linear.ts';

export interface BuildContext {
  graph: GraphBuilder;
  spec: Architecture;
  checkpoint: Checkpoint;
  /** Weights and I/O in this format: F32 for fp32, F16 for fp16. */
  format: 'F32' | 'F16';
  /** ONNX data type of the float I/O and activations (FLOAT or FLOAT16). */
  floatType: number;
  emitLinear: LinearEmitter;
  normalization: Normalization;
  attention: AttentionKind;
}

/** com.microsoft.GroupQueryAttention with rotary fused, or standard operators with com.microsoft.RotaryEmbedding. */
export type AttentionKind = 'group-query' | 'plain';

/** RMSNorm as ONNX Runtime's fused contrib operators, or as standard ONNX operators. */
export type Normalization = 'fused' | 'plain';

export function tensorOf(context: BuildContext, name: string): CheckpointTensor {
  const tensor = context.checkpoint.tensors.get(name);
  if (!tensor) throw new Error(`checked checkpoint lost tensor '${name}'`);
  return tensor;
}

export const FORMAT_OF_PRECISION: Record<'fp32' | 'fp16', 'F32' | 'F16'> = { fp32: 'F32', fp16: 'F16' };

