/**
 * RMSNorm as ONNX Runtime's fused operators: SimplifiedLayerNormalization for the first norm, then
 * com.microsoft.SkipSimplifiedLayerNormalization, which also adds the residual and passes the sum on (output 3)
 * as the next residual. Both run on the CPU and CUDA providers.
 */
import { floatAttribute, intAttribute } from './attributes.ts';
import { tensorOf, type BuildContext } from './build-context.ts';
import { MICROSOFT_DOMAIN } from './graph-builder.ts';
import { weightSource } from './weight-source.ts';

export interface NormSpec {
  /** Node name prefix, e.g. /model/layers.0/input_layernorm. */
  name: string;
  /** Hugging Face module, e.g. model.layers.0.input_layernorm (its weight is `<module>.weight`). */
  module: string;
}

function gamma(context: BuildContext, module: string): string {
  const name = `${module}.weight`;
  const tensor = tensorOf(context, name);
  return context.graph.initializer(name, context.floatType, tensor.shape, weightSource(tensor, context.format));
}

export function addRmsNorm(context: BuildContext, norm: NormSpec, input: string): string {
  return context.graph.add1({
    op: 'SimplifiedLayerNormalization',
    name: `${norm.name}/SimplifiedLayerNorm`,
    inputs: [input, gamma(context, norm.module)],
    module: norm.module,
    attributes: [floatAttribute('epsilon', context.spec.rmsNormEps), intAttribute('axis', -1), intAttribute('stash_type', 1)],
  });
}

/** RMSNorm of input + residual; returns the normalized value and the sum (the next residual). */
export function addSkipRmsNorm(context: BuildContext, norm: NormSpec, input: string, residual: string): { normalized: string; sum: string } {
  const name = `${norm.name}/SkipLayerNorm`;
  const [normalized, , , sum] = context.graph.add({
    op: 'SkipSimplifiedLayerNormalization',
    domain: MICROSOFT_DOMAIN,
    name,
    inputs: [input, residual, gamma(context, norm.module)],
    outputs: [`${name}/output_0`, '', '', `${name}/output_3`],
    module: norm.module,
    attributes: [floatAttribute('epsilon', context.spec.rmsNormEps)],
  });
  return { normalized, sum };
}
