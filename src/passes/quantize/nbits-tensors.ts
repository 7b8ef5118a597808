/** The initializers one quantized weight becomes: packed codes, scales and (asymmetric) zero points. */
import { DataType } from '../../onnx/data-types.ts';
import { setTensorSource } from '../../onnx/tensor-source.ts';
import type { TensorProto } from '../../onnx/types.ts';
import type { UniqueNames } from '../graph/unique-names.ts';
import { blobBytes, kBlockCount } from './block-quantize.ts';
import type { QuantizedWeightStore } from './quantized-weight-store.ts';
import type { QuantizeSettings, WeightToQuantize } from './quantize-weight.ts';

export interface NBitsTensors {
  packed: TensorProto;
  scales: TensorProto;
  zeroPoints: TensorProto | undefined;
}

export function nbitsTensors(
  weight: WeightToQuantize,
  storeIndex: number,
  store: QuantizedWeightStore,
  settings: QuantizeSettings,
  names: UniqueNames,
): NBitsTensors {
  const kBlocks = kBlockCount(weight.k, settings.blockSize);
  const sizes = store.sizes(storeIndex);
  const packed: TensorProto = {
    name: names.make(`${weight.name}_Q${settings.bits}`),
    data_type: DataType.UINT8,
    dims: [weight.n, kBlocks, blobBytes(settings.blockSize, settings.bits)],
  };
  const scales: TensorProto = { name: names.make(`${weight.name}_scales`), data_type: weight.dataType, dims: [weight.n * kBlocks] };
  setTensorSource(packed, store.source(storeIndex, 'packed'));
  setTensorSource(scales, store.source(storeIndex, 'scales'));
  if (settings.symmetric) return { packed, scales, zeroPoints: undefined };
  const zeroPoints: TensorProto = { name: names.make(`${weight.name}_zero_points`), data_type: DataType.UINT8, dims: [sizes.zeroPoints] };
  setTensorSource(zeroPoints, store.source(storeIndex, 'zeroPoints'));
  return { packed, scales, zeroPoints };
}
