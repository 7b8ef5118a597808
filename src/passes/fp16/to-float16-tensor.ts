/**
 * A float32 tensor as float16 (round to nearest even), its bytes converted chunk by chunk as the writer streams
 * them: the float32 source is never held whole.
 */
import { decodeFloats, encodeFloats } from '../../onnx/float-formats.ts';
import { DataType } from '../../onnx/data-types.ts';
import { setTensorSource, sourceLength, streamSource, type TensorSource } from '../../onnx/tensor-source.ts';
import type { TensorProto } from '../../onnx/types.ts';
import { tensorSource } from '../graph/typed-tensor-source.ts';

export function toFloat16Tensor(tensor: TensorProto): TensorProto {
  const { float_data: _f, raw_data: _r, external_data: _e, data_location: _l, ...rest } = tensor;
  const converted: TensorProto = { ...rest, data_type: DataType.FLOAT16 };
  const source = tensorSource(tensor);
  if (source) setTensorSource(converted, float16Source(source));
  return converted;
}

function float16Source(source: TensorSource): TensorSource {
  const length = sourceLength(source) / 2;
  return { kind: 'producer', length, produce: () => narrowChunks(source) };
}

async function* narrowChunks(source: TensorSource): AsyncGenerator<Uint8Array> {
  let carry = new Uint8Array(0);
  for await (const chunk of streamSource(source)) {
    const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const whole = bytes.length - (bytes.length % 4);
    // decodeFloats copies, so the chunk's alignment does not matter
    if (whole > 0) yield encodeFloats(decodeFloats(bytes.subarray(0, whole), 'F32'), 'F16');
    carry = bytes.slice(whole);
  }
  if (carry.length) throw new RangeError(`float32 tensor source ended inside a value (${carry.length} stray bytes)`);
}
