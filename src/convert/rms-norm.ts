/**
 * RMSNorm as ONNX Runtime's fused operators: SimplifiedLayerNormalization for the first norm, then
 * com.microsoft.SkipSimplifiedLayerNormalization, which also adds the residual and passes the sum on (output 3)
 * as the next residual. Both run on the CPU and CUDA providers. For a provider without them, the same math in
 * standard operators (computed in float32 whatever the model's precision, as transformers' RMSNorm does).
 * Norms of any rank normalize the last axis (Qwen3's and Gemma's per-head q/k norms run on [B, S, heads, D]).
 */
import { DataType } from '../onnx/data-types.ts';
import { floatAttr, intAttr } from '../onnx/make-attribute.ts';
import { tensorOf, type BuildContext } from './build-context.ts';
import { MICROSOFT_DOMAIN } from './graph-builder.ts';
import { weightSource } from './weight-source.ts';
import { encodeFloats, FLOAT_FORMAT_BYTES } from '../onnx/float-formats.ts';
import { readSource } from '../onnx/tensor-source.ts';
import { elementCount } from '../onnx/tensor-size.ts';
import { PLUS_ONE_SUFFIX } from './weight-names.ts';

export interface NormSpec {
  /** Node name prefix, e.g. /model/layers.0/input_layernorm. */
  name: string;
  /** Hugging Face module, e.g. model.layers.0.input_layernorm (its weight is `<module>.weight`). */
  module: string;
}

/** The norm's multiplier: its weight, or (1 + weight) for Gemma's zero-centred norms, added in float32 as transformers does. */
function gamma(context: BuildContext, module: string): string {
  const name = `${module}.weight`;
  const tensor = tensorOf(context, name);
  if (context.spec.normOffset === 0) return context.graph.initializer(name, context.floatType, tensor.shape, weightSource(tensor, context.format));
  const asFloat32 = weightSource(tensor, 'F32');
  const produce = async () => {
    const bytes = await readSource(asFloat32);
    const weight = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return encodeFloats(weight.map((w) => w + 1), context.format);
  };
  const length = elementCount(tensor.shape) * FLOAT_FORMAT_BYTES[context.format];
  return context.graph.initializer(`${name}${PLUS_ONE_SUFFIX}`, context.floatType, tensor.shape, { kind: 'producer', length, produce });
}

/** x · (mean(x²) + eps)^-½ · gamma in standard operators. */
function addPlainRmsNorm(context: BuildContext, norm: NormSpec, input: string): string {
  const { graph } = context;
  const at = (op: string) => ({ name: `${norm.name}/${op}`, module: norm.module });
  const toFloat = [intAttr('to', DataType.FLOAT)];
  const x = context.floatType === DataType.FLOAT ? input : graph.add1({ op: 'Cast', ...at('Cast'), inputs: [input], attributes: toFloat });
  const squared = graph.add1({ op: 'Mul', ...at('Pow'), inputs: [x, x] });
  const mean = graph.add1({ op: 'ReduceMean', ...at('ReduceMean'), inputs: [squared, graph.int64('/model/norm_axes', [-1])], attributes: [intAttr('keepdims', 1)] });
  const epsilon = graph.initializer(`${norm.name}/epsilon`, DataType.FLOAT, [], { kind: 'bytes', bytes: new Uint8Array(new Float32Array([context.spec.rmsNormEps]).buffer) });
  const shifted = graph.add1({ op: 'Add', ...at('Add'), inputs: [mean, epsilon] });
  const inverse = graph.add1({ op: 'Reciprocal', ...at('Reciprocal'), inputs: [graph.add1({ op: 'Sqrt', ...at('Sqrt'), inputs: [shifted] })] });
  const scaled = graph.add1({ op: 'Mul', ...at('Mul'), inputs: [x, inverse] });
  const back = context.floatType === DataType.FLOAT ? scaled : graph.add1({ op: 'Cast', ...at('Cast_1'), inputs: [scaled], attributes: [intAttr('to', context.floatType)] });
  return graph.add1({ op: 'Mul', ...at('Mul_1'), inputs: [back, gamma(context, norm.module)] });
}

export function addRmsNorm(context: BuildContext, norm: NormSpec, input: string): string {
  if (context.normalization === 'plain') return addPlainRmsNorm(context, norm, input);
  return context.graph.add1({
    op: 'SimplifiedLayerNormalization',
    name: `${norm.name}/SimplifiedLayerNorm`,
    inputs: [input, gamma(context, norm.module)],
    module: norm.module,
    attributes: [floatAttr('epsilon', context.spec.rmsNormEps), intAttr('axis', -1), intAttr('stash_type', 1)],
  });
}

/** RMSNorm of input + residual; returns the normalized value and the sum (the next residual). */
export function addSkipRmsNorm(context: BuildContext, norm: NormSpec, input: string, residual: string): { normalized: string; sum: string } {
  if (context.normalization === 'plain') {
    const sum = context.graph.add1({ op: 'Add', name: `${norm.name}/SkipAdd`, inputs: [input, residual], module: norm.module });
    return { normalized: addPlainRmsNorm(context, norm, sum), sum };
  }
  const name = `${norm.name}/SkipLayerNorm`;
  const [normalized, , , sum] = context.graph.add({
    op: 'SkipSimplifiedLayerNormalization',
    domain: MICROSOFT_DOMAIN,
    name,
    inputs: [input, residual, gamma(context, norm.module)],
    outputs: [`${name}/output_0`, '', '', `${name}/output_3`],
    module: norm.module,
    attributes: [floatAttr('epsilon', context.spec.rmsNormEps)],
  });
  return { normalized, sum };
}
