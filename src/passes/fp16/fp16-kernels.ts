/**
 * Which operators may run in fp16 on each execution provider. ONNX Runtime's CPU provider has fp16 kernels for
 * little beyond data movement and normalization (for any other op it silently inserts Casts to float32 itself);
 * CUDA has fp16 kernels for nearly everything.
 */
import type { ExecutionProvider } from '../../providers.ts';

/**
 * Ops with an fp16 CPU kernel, probed on onnxruntime-node 1.30: a one-node fp16 model was saved after session
 * initialization and ORT had inserted no Cast around these (it does around Add, Mul, MatMul, Softmax…).
 * test/passes/fp16-kernels.test.ts re-checks every entry against the installed onnxruntime-node.
 */
export const CPU_FP16_OPS: ReadonlySet<string> = new Set([
  'Identity', 'Transpose', 'Concat', 'Split', 'Squeeze', 'Unsqueeze', 'Flatten', 'Slice', 'Reshape', 'Expand',
  'Gather', 'GatherElements', 'GatherND', 'ScatterND', 'Shape', 'Cast', 'Constant', 'ConstantOfShape',
  'Round', 'Clip', 'IsNaN', 'IsInf', 'Sign',
  'LayerNormalization', 'SimplifiedLayerNormalization', 'RMSNormalization',
  'com.microsoft.SkipSimplifiedLayerNormalization', 'com.microsoft.SkipLayerNormalization',
  'com.microsoft.RotaryEmbedding', 'com.microsoft.MatMulNBits', 'com.microsoft.GroupQueryAttention',
]);

/**
 * Ops left in float32 whatever the provider: no fp16 kernel on CUDA either, or their float input is an index
 * or a range where fp16's precision breaks the result (the list onnxconverter-common's converter uses).
 */
export const FP16_BLOCKED_OPS: ReadonlySet<string> = new Set([
  'ArrayFeatureExtractor', 'Binarizer', 'CastMap', 'CategoryMapper', 'DictVectorizer', 'FeatureVectorizer', 'Imputer',
  'LabelEncoder', 'LinearClassifier', 'LinearRegressor', 'Normalizer', 'OneHotEncoder', 'RandomUniformLike',
  'SVMClassifier', 'SVMRegressor', 'Scaler', 'TreeEnsembleClassifier', 'TreeEnsembleRegressor', 'ZipMap',
  'NonMaxSuppression', 'TopK', 'RoiAlign', 'Range', 'CumSum', 'Min', 'Max', 'Upsample',
]);

/** Float inputs that the operator's schema types as float32 only (Resize's scales, Upsample's scales). */
export const FLOAT32_ONLY_INPUTS: ReadonlyMap<string, readonly number[]> = new Map([
  ['Resize', [2]],
  ['Upsample', [1]],
]);

export function opKey(opType: string, domain: string | undefined): string {
  return domain && domain !== 'ai.onnx' ? `${domain}.${opType}` : opType;
}

export function runsInFp16(opType: string, domain: string | undefined, provider: ExecutionProvider): boolean {
  const key = opKey(opType, domain);
  if (FP16_BLOCKED_OPS.has(key)) return false;
  return provider === 'CPUExecutionProvider' ? CPU_FP16_OPS.has(key) : true;
}

/**
 * Inputs an op's kernel may reuse in place for an output (GroupQueryAttention's past_key/past_value become
 * present_key/present_value). ORT then reuses the buffer of whatever feeds them; when that is a Cast of a
 * different length the run fails ("Shape mismatch attempting to re-use buffer"), so such an op only runs in
 * fp16 when these inputs arrive in fp16 without a Cast.
 */
export const IN_PLACE_INPUTS: ReadonlyMap<string, readonly number[]> = new Map([['com.microsoft.GroupQueryAttention', [3, 4]]]);
