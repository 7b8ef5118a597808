/**
 * Deterministic input tensors for a model from its input metadata: symbolic dimensions become 1 (or the given
 * sizes), floats a fixed pseudo-random pattern in [-1, 1], integers small non-negative values, booleans alternate.
 * The same call always gives the same bytes, so the whole model and the cascade see identical inputs.
 */
import * as ort from 'onnxruntime-node';
import { OliveError } from '../errors.ts';
import { numberToHalfBits } from '../onnx/float-formats.ts';

/** Integer inputs of unknown meaning (indices, ids) stay below this so they are valid for small tables. */
export const FIXED_INT_RANGE = 2;

export function fixedTensor(type: ort.Tensor.Type, shape: readonly number[], seed: number): ort.Tensor {
  const count = shape.reduce((product, size) => product * size, 1);
  const values = Array.from({ length: count }, (_, i) => pattern(i + seed * 7919));
  switch (type) {
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(values), shape);
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(values), shape);
    case 'float16':
      return new ort.Tensor('float16', Uint16Array.from(values, numberToHalfBits), shape);
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(smallInt(v))), shape);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(values, smallInt), shape);
    case 'bool':
      return new ort.Tensor('bool', Uint8Array.from(values, (_, i) => i % 2), shape);
    default:
      throw new OliveError(`cannot make a fixed input of type ${type}: give explicit inputs for validation`);
  }
}

/** Fixed inputs for every input of a session; `sizes` names values for symbolic dimensions (others are 1). */
export function fixedInputs(
  metadata: readonly ort.InferenceSession.ValueMetadata[],
  sizes: Record<string, number> = {},
): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  metadata.forEach((meta, seed) => {
    if (!meta.isTensor) throw new OliveError(`input '${meta.name}' is not a tensor: give explicit inputs for validation`);
    feeds[meta.name] = fixedTensor(meta.type, concreteShape(meta.shape, sizes), seed);
  });
  return feeds;
}

export function concreteShape(shape: ReadonlyArray<number | string>, sizes: Record<string, number>): number[] {
  return shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : (sizes[String(dim)] ?? 1)));
}

function pattern(i: number): number {
  return Math.sin(i * 12.9898 + 78.233);
}

function smallInt(value: number): number {
  return Math.floor(((value + 1) / 2) * FIXED_INT_RANGE) % FIXED_INT_RANGE;
}
