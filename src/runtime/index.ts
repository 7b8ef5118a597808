/** Running and checking split models in onnxruntime-node. */
export type * from './types.ts';
export { validateSplit, DEFAULT_DECODER_RUN, type ValidateSplitOptions } from './validate-split.ts';
export type { DecoderRunShape } from './run-steps.ts';
export { runCascade, routeFeeds, type TensorPool } from './run-cascade.ts';
export { formatValidationReport } from './format-validation-report.ts';
export { measureChildMemory, type ChildMemory } from './measure-peak-rss.ts';
export { measureSplitMemory, type SplitMemoryMeasurement } from './measure-split-memory.ts';
export { writeTensorFile, readTensorFile } from './tensor-file.ts';
export { compareTensors, TOLERANCE } from './compare-tensors.ts';
export { splitFilesOf, splitPlanOf, MODEL_CONFIG_FILE, SPLIT_PLAN_FILE } from './split-files.ts';
export { generateGreedy, type GenerateOptions } from './generate-greedy.ts';
export { CascadeModel, SplitLoadError, type CascadeOptions, type MemoryMode } from './cascade/cascade-model.ts';
export { DecoderState } from './cascade/decoder-state.ts';
export { resolveModelFiles, type ModelFiles, type ModelLayout } from './cascade/model-files.ts';
export { lastLogits, argmax } from './cascade/last-logits.ts';
