/**
 * The one place a Linear layer becomes graph nodes. The default emitter writes MatMul with the weight transposed
 * to [in, out] (initializer `<HF name>.T`) plus an Add for a bias; a tied lm_head reuses the embedding table
 * through Gemm(transB=1), keeping one copy of its bytes. A quantizing pipeline passes its own LinearEmitter to
 * buildDecoderGraph (e.g. MatMulNBits from `weight`, which is in HF's [out, in] order, as MatMulNBits wants).
 */
import type { CheckpointTensor } from '../hf/checkpoint.ts';
import { intAttr } from '../onnx/make-attribute.ts';
import type { BuildContext } from './build-context.ts';
import { TRANSPOSED_SUFFIX } from './weight-names.ts';
import { weightSource } from './weight-source.ts';

export interface LinearSpec {
  /** Node name prefix, e.g. /model/layers.0/self_attn/q_proj (nodes append /MatMul, /Add…). */
  name: string;
  /** Hugging Face module path, e.g. model.layers.0.self_attn.q_proj. */
  module: string;
  input: string;
  /** The checkpoint weight, [out_features, in_features]. */
  weight: CheckpointTensor;
  bias?: CheckpointTensor;
  /** lm_head sharing model.embed_tokens.weight, which is already an initializer under its HF name. */
  tied: boolean;
  /** Name the result this way (graph outputs such as logits); otherwise the emitter names it. */
  output?: string;
}

/** Adds the nodes computing `input · weightᵀ (+ bias)`; returns the name of the result. */
export type LinearEmitter = (context: BuildContext, linear: LinearSpec) => string;

function addBias(context: BuildContext, linear: LinearSpec, product: string): string {
  const { graph, format, floatType } = context;
  const bias = graph.initializer(linear.bias!.name, floatType, linear.bias!.shape, weightSource(linear.bias!, format));
  return graph.add1({ op: 'Add', name: `${linear.name}/Add`, inputs: [product, bias], module: linear.module, ...outputName(linear) });
}

function outputName(linear: LinearSpec): { outputs?: string[] } {
  return linear.output ? { outputs: [linear.output] } : {};
}

/** [B, S, hidden] × tableᵀ as Reshape → Gemm(transB) → Reshape, since Gemm takes 2-D input only. */
function tiedProduct(context: BuildContext, linear: LinearSpec): string {
  const { graph } = context;
  const [outFeatures, inFeatures] = linear.weight.shape;
  const at = (op: string) => ({ name: `${linear.name}/${op}`, module: linear.module });
  const rows = graph.add1({ op: 'Reshape', ...at('Reshape'), inputs: [linear.input, graph.int64(`${linear.name}/rows_shape`, [-1, inFeatures])] });
  const product = graph.add1({ op: 'Gemm', ...at('Gemm'), inputs: [rows, linear.weight.name], attributes: [intAttr('transB', 1)] });
  const leading = graph.add1({ op: 'Shape', ...at('Shape'), inputs: [linear.input], attributes: [intAttr('start', 0), intAttr('end', -1)] });
  const shape = graph.add1({ op: 'Concat', ...at('Concat'), inputs: [leading, graph.int64(`${linear.name}/out_features`, [outFeatures])], attributes: [intAttr('axis', 0)] });
  return graph.add1({ op: 'Reshape', ...at('Reshape_1'), inputs: [product, shape], ...(linear.bias ? {} : outputName(linear)) });
}

function matMulProduct(context: BuildContext, linear: LinearSpec): string {
  const { graph, format, floatType } = context;
  const [outFeatures, inFeatures] = linear.weight.shape;
  const weight = graph.initializer(`${linear.weight.name}${TRANSPOSED_SUFFIX}`, floatType, [inFeatures, outFeatures], weightSource(linear.weight, format, { transpose: true }));
  const output = linear.bias ? {} : outputName(linear);
  return graph.add1({ op: 'MatMul', name: `${linear.name}/MatMul`, inputs: [linear.input, weight], module: linear.module, ...output });
}

export const emitMatMul: LinearEmitter = (context, linear) => {
  const product = linear.tied ? tiedProduct(context, linear) : matMulProduct(context, linear);
  return linear.bias ? addBias(context, linear, product) : product;
};
