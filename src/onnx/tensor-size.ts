/** A tensor's shape and the bytes its data takes in raw_data layout, from its dims and data type alone. */
import { elementBits, rawByteLength } from './data-types.ts';
import { int64ToNumber } from './proto.ts';
import type { TensorProto } from './types.ts';

export function tensorDims(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map((d) => int64ToNumber(d, `dimension of tensor '${tensor.name ?? ''}'`));
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, d) => product * d, 1);
}

/** Raw-layout bytes of the tensor's data; 0 for types without a fixed size (strings never hold weights). */
export function tensorByteLength(tensor: TensorProto): number {
  const dataType = tensor.data_type ?? 0;
  return elementBits(dataType) === undefined ? 0 : rawByteLength(dataType, elementCount(tensorDims(tensor)));
}
