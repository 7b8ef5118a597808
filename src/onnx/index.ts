export type * from './types.ts';
export { DataLocation, AttributeType } from './types.ts';
export { DataType, elementBits, rawByteLength, dataTypeName } from './data-types.ts';
export { decodeModel, encodeModel, int64ToNumber, modelToPlain } from './proto.ts';
export {
  readModel,
  LAZY_READ_THRESHOLD_BYTES,
  ALWAYS_SCAN_BYTES,
  type LoadedModel,
  type ReadModelOptions,
  type ReadMode,
} from './read-model.ts';
export {
  writeModel,
  DEFAULT_EXTERNAL_THRESHOLD_BYTES,
  EXTERNAL_ALIGN_BYTES,
  LARGE_TENSOR_ALIGN_BYTES,
  LARGE_TENSOR_BYTES,
  MAX_PROTOBUF_BYTES,
  STREAM_INLINE_BYTES,
  type WriteModelOptions,
  type WriteModelResult,
} from './write-model.ts';
export {
  setTensorSource,
  copyTensor,
  getTensorSource,
  streamSource,
  readSource,
  sourceLength,
  READ_CHUNK_BYTES,
  type TensorSource,
} from './tensor-source.ts';
export { resolveExternalData, externalDataInfo, isExternal, type ExternalDataInfo } from './external-data.ts';
export { allGraphs, allInitializers, allTensors, modelGraphs } from './walk.ts';
export { mapModelTensors, type TensorMapper, type TensorRole } from './map-tensors.ts';
export { scanModel, scanModelWindow } from './scan-model.ts';
export { FileWindow, SCAN_WINDOW_BYTES } from './file-window.ts';
export { wireFields, lengthDelimitedHeader, WireType, OnnxField, type WireField } from './wire-fields.ts';
export { writeBytesAt, writeSourceAt } from './write-at.ts';
export { planStreamedModel, writeStreamedModel, type StreamedModel } from './write-streamed-model.ts';
export {
  convertFloats,
  decodeFloats,
  encodeFloats,
  floatBitsToHalf,
  floatBitsToBfloat,
  halfBitsToNumber,
  numberToHalfBits,
  FLOAT_FORMAT_BYTES,
  type FloatFormat,
} from './float-formats.ts';
export { reportWriteProgress, externalWeightBytes, type WriteProgress } from './write-progress.ts';
