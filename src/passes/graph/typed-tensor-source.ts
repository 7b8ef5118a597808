/** A tensor's raw_data-layout bytes as a source, also for the typed fields (float_data, int32_data) small tensors use. */
import { DataType } from '../../onnx/data-types.ts';
import { getTensorSource, type TensorSource } from '../../onnx/tensor-source.ts';
import type { TensorProto } from '../../onnx/types.ts';

export function tensorSource(tensor: TensorProto): TensorSource | undefined {
  const attached = getTensorSource(tensor);
  if (attached) return attached;
  if (tensor.data_type === DataType.FLOAT && tensor.float_data?.length) {
    return { kind: 'bytes', bytes: new Uint8Array(Float32Array.from(tensor.float_data).buffer) };
  }
  if (tensor.data_type === DataType.FLOAT16 && tensor.int32_data?.length) {
    return { kind: 'bytes', bytes: new Uint8Array(Uint16Array.from(tensor.int32_data).buffer) };
  }
  return undefined;
}
