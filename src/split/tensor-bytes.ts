/** Bytes an initializer occupies in raw layout, whether its data is attached, inline, or in typed fields. */
import { rawByteLength } from '../onnx/data-types.ts';
import { int64ToNumber } from '../onnx/proto.ts';
import { getTensorSource, sourceLength } from '../onnx/tensor-source.ts';
import type { TensorProto } from '../onnx/types.ts';

export function tensorBytes(tensor: TensorProto): number {
  const source = getTensorSource(tensor);
  if (source) return sourceLength(source);
  const count = (tensor.dims ?? []).reduce<number>((product, dim) => product * int64ToNumber(dim, 'tensor dimension'), 1);
  try {
    return rawByteLength(tensor.data_type ?? 0, count);
  } catch {
    return 0; // strings have no fixed size; they never hold weights
  }
}
