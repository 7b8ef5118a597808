/**
 * Inputs of one generation step for a decoder with ONNX Runtime GenAI's I/O names (REFERENCE §5): a prefill of
 * several tokens over an empty KV cache, then single-token decode steps that feed the previous step's present
 * tensors back as past_key_values. Inputs with other names get fixed values.
 */
import * as ort from 'onnxruntime-node';
import { concreteShape, fixedTensor } from './fixed-inputs.ts';

const PAST_PREFIX = 'past_key_values.';
export const PRESENT_PREFIX = 'present.';
/** In [batch, kv_heads, past_sequence_length, head_size], the past length is dimension 2. */
const PAST_LENGTH_AXIS = 2;

export interface DecoderStep {
  tokens: number[];
  pastLength: number;
  /** The previous step's outputs (present.* tensors); undefined for the prefill. */
  previous: Record<string, ort.Tensor> | undefined;
}

export function isDecoderSession(session: ort.InferenceSession): boolean {
  return session.inputNames.includes('input_ids') && session.outputNames.includes('logits');
}

/** Vocabulary size from the logits' last dimension (fixed in builder output), else a small safe default. */
export function vocabularySize(session: ort.InferenceSession): number {
  return logitsWidth(session.outputMetadata) ?? 2;
}

/** The last dimension of the `logits` output, when the model fixes it. */
export function logitsWidth(outputs: readonly ort.InferenceSession.ValueMetadata[]): number | undefined {
  const logits = outputs.find((meta) => meta.name === 'logits');
  const last = logits?.isTensor ? logits.shape[logits.shape.length - 1] : undefined;
  return typeof last === 'number' && last > 0 ? last : undefined;
}

export function decoderFeeds(inputs: readonly ort.InferenceSession.ValueMetadata[], step: DecoderStep): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const length = step.tokens.length;
  const total = step.pastLength + length;
  inputs.forEach((meta, seed) => {
    if (!meta.isTensor) return;
    if (meta.name === 'input_ids') feeds[meta.name] = integers(meta.type, step.tokens, [1, length]);
    else if (meta.name === 'attention_mask') feeds[meta.name] = integers(meta.type, Array(total).fill(1), [1, total]);
    else if (meta.name === 'position_ids') feeds[meta.name] = integers(meta.type, range(step.pastLength, length), [1, length]);
    else if (meta.name.startsWith(PAST_PREFIX)) feeds[meta.name] = pastTensor(meta, step);
    else feeds[meta.name] = fixedTensor(meta.type, concreteShape(meta.shape, {}), seed);
  });
  return feeds;
}

function pastTensor(meta: ort.InferenceSession.TensorValueMetadata, step: DecoderStep): ort.Tensor {
  const present = step.previous?.[PRESENT_PREFIX + meta.name.slice(PAST_PREFIX.length)];
  if (present) return present;
  const shape = concreteShape(meta.shape, {});
  shape[PAST_LENGTH_AXIS] = 0;
  return fixedTensor(meta.type, shape, 0);
}

function integers(type: ort.Tensor.Type, values: number[], shape: number[]): ort.Tensor {
  if (type === 'int32') return new ort.Tensor('int32', Int32Array.from(values), shape);
  return new ort.Tensor('int64', BigInt64Array.from(values, BigInt), shape);
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}
