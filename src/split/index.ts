/** Cutting an ONNX model into cascaded sub-models by plan or by explicit node assignment. */
export type * from './types.ts';
export { COPIED_INTO_EACH_SPLIT, SPLIT_NAME } from './types.ts';
export { splitModel, type SplitModelOptions } from './split-model.ts';
export { SplitValidationError } from './split-validation-error.ts';
export { assignNodes } from './assign-nodes.ts';
export { cutGraph } from './cut-graph.ts';
export { indexGraph, nodeKey, type GraphIndex } from './graph-index.ts';
export { nodeModulePath, longestPrefixMatch, MODULE_METADATA_KEY } from './module-path.ts';
export { describeValues, SKELETON_INLINE_LIMIT_BYTES } from './infer-value-types.ts';
export { compositeModelConfig, type CompositeModelConfig } from './olive-manifest.ts';
export { pipelineGenaiConfig, type PipelineStage, type StageSpec } from './genai-manifest.ts';
export { SIDE_FILES } from './copy-side-files.ts';
