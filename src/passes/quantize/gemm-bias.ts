/** Gemm's C as MatMulNBits' bias input: a 1-D [N] tensor, with beta folded in when it is not 1. */
import { decodeFloats, encodeFloats } from '../../onnx/float-formats.ts';
import { DataType } from '../../onnx/data-types.ts';
import { readSource } from '../../onnx/tensor-source.ts';
import type { TensorProto } from '../../onnx/types.ts';
import type { UniqueNames } from '../graph/unique-names.ts';
import { tensorDims } from '../../onnx/tensor-size.ts';
import { tensorSource } from '../graph/typed-tensor-source.ts';

/** The bias tensor to feed MatMulNBits: the original when it already fits, else a new [N] initializer. */
export async function nbitsBias(bias: TensorProto, beta: number, names: UniqueNames): Promise<TensorProto> {
  const dims = tensorDims(bias);
  if (beta === 1 && dims.length === 1) return bias;
  const source = tensorSource(bias);
  if (!source) throw new RangeError(`Gemm bias '${bias.name ?? ''}' has no data`);
  const format = bias.data_type === DataType.FLOAT16 ? 'F16' : 'F32';
  const values = decodeFloats(await readSource(source), format);
  for (let i = 0; i < values.length; i++) values[i] = Math.fround(values[i] * beta);
  return {
    name: names.make(`${bias.name ?? 'bias'}_bias`),
    data_type: bias.data_type,
    dims: [values.length],
    raw_data: encodeFloats(values, format),
  };
}
