/** Build ONNX decoder graphs straight from Hugging Face safetensors, for every family in src/arch's registry. */
export { buildDecoder, prepareDecoder, DEFAULT_MODEL_FILE, type PreparedDecoder } from './build-decoder.ts';
export { buildDecoderGraph, IR_VERSION, ONNX_OPSET, MICROSOFT_OPSET, type DecoderGraph } from './decoder-graph.ts';
export { emitMatMul, type LinearEmitter, type LinearSpec } from './linear.ts';
export { GraphBuilder, MODULE_KEY, MICROSOFT_DOMAIN, type NodeSpec, type Dim } from './graph-builder.ts';
export type { AttentionKind, BuildContext, Normalization } from './build-context.ts';
export { weightSource, transposeMatrix } from './weight-source.ts';
export { GENAI_CONFIG_FILE, genaiConfig } from './genai-config.ts';
export { TOKENIZER_FILES } from './copy-tokenizer.ts';
export { TRANSPOSED_SUFFIX } from './weight-names.ts';
export { PROVIDER_NORMALIZATION, defaultAttention, type BuildOptions, type BuildResult, type BuildProgress, type DecoderGraphOptions, type GraphValue } from './types.ts';
