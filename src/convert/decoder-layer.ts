/**
 * One decoder layer, residuals chained through the skip norms: the layer's input norm has already run (it is
 * fused with the previous residual add). Llama order: attention, skip norm post_attention_layernorm, MLP. Gemma's
 * sandwich: attention, post_attention_layernorm, skip norm pre_feedforward_layernorm, MLP,
 * post_feedforward_layernorm. Granite scales each block's output before its residual add.
 */
import { addAttention, type LayerIo, type SharedAttentionInputs } from './attention.ts';
import type { BuildContext } from './build-context.ts';
import { addMlp } from './mlp.ts';
import { addRmsNorm, addSkipRmsNorm, type NormSpec } from './rms-norm.ts';
import { addScale } from './scale.ts';
import { layerPrefix } from './weight-names.ts';

export interface LayerState {
  /** The input norm's output, what the layer reads. */
  normalized: string;
  /** The residual stream so far. */
  residual: string;
}

function norm(layer: number, module: string): NormSpec {
  return { name: `/model/layers.${layer}/${module}`, module: `${layerPrefix(layer)}.${module}` };
}

/** A block's output as its residual add takes it: Gemma norms it first, Granite scales it. */
function blockOutput(context: BuildContext, layer: number, block: 'self_attn' | 'mlp', output: string): string {
  const { spec } = context;
  const normed = spec.sandwichNorms ? addRmsNorm(context, norm(layer, block === 'self_attn' ? 'post_attention_layernorm' : 'post_feedforward_layernorm'), output) : output;
  return addScale(context, normed, { name: `/model/layers.${layer}/${block}/residual_scale/Mul`, module: `${layerPrefix(layer)}.${block}`, factor: spec.residualScale });
}

/**
 * Adds layer `layer`; `next` is the norm the following layer reads (its input_layernorm, or model.norm after the
 * last layer), fused with this layer's last residual add.
 */
export function addDecoderLayer(context: BuildContext, layer: number, state: LayerState, io: LayerIo, shared: SharedAttentionInputs, next: NormSpec): LayerState {
  const attended = addAttention(context, { layer, input: state.normalized, io, shared });
  const mlpNorm = norm(layer, context.spec.sandwichNorms ? 'pre_feedforward_layernorm' : 'post_attention_layernorm');
  const afterAttention = addSkipRmsNorm(context, mlpNorm, blockOutput(context, layer, 'self_attn', attended), state.residual);
  const mlpOut = addMlp(context, layer, afterAttention.normalized);
  const afterMlp = addSkipRmsNorm(context, next, blockOutput(context, layer, 'mlp', mlpOut), afterAttention.sum);
  return { normalized: afterMlp.normalized, residual: afterMlp.sum };
}
