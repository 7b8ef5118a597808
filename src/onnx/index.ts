export type * from './types.ts';
export { DataLocation, AttributeType } from './types.ts';
export { DataType, elementBits, rawByteLength, dataTypeName } from './data-types.ts';
export { decodeModel, encodeModel, int64ToNumber } from './proto.ts';
export { readModel, type LoadedModel } from './read-model.ts';
export { writeModel, type WriteModelOptions, type WriteModelResult } from './write-model.ts';
export { setTensorSource, getTensorSource, streamSource, readSource, sourceLength, type TensorSource } from './tensor-source.ts';
export { resolveExternalData, externalDataInfo, isExternal } from './external-data.ts';
export { allGraphs, allInitializers } from './walk.ts';
