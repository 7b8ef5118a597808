/** A float tensor stored as a serialized TensorProto (ONNX test data sets: input_0.pb …) as an ORT tensor. */
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { DataType } from '../../../src/onnx/data-types.ts';
import { decodeTensor, int64ToNumber } from '../../../src/onnx/proto.ts';

export async function floatTensorFromPb(file: string): Promise<ort.Tensor> {
  const tensor = decodeTensor(await readFile(file));
  if (tensor.data_type !== DataType.FLOAT) throw new Error(`${file}: expected a float tensor, got data type ${tensor.data_type}`);
  const dims = (tensor.dims ?? []).map((dim) => int64ToNumber(dim));
  const raw = tensor.raw_data;
  const values = raw && raw.length > 0 ? new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) : Float32Array.from(tensor.float_data ?? []);
  return new ort.Tensor('float32', values, dims);
}
