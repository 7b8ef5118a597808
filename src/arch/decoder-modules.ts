/**
 * The leaf modules of a Llama-like decoder in registration order: model.embed_tokens; per layer the attention
 * (q, k, v, o, then a rotary_emb or the q/k head norms where the layout has them), the gated MLP (gate, up, down,
 * act_fn) and the layer's norms; then model.norm, the model's rotary modules and lm_head.
 */
import type { DecoderLayout } from './decoder-layouts.ts';
import { lmHeadModule } from './lm-head-module.ts';
import type { ModelDims } from './model-dims.ts';
import { activationModule, embeddingModule, linearModule, normModule, parameterlessModule } from './module-spec.ts';
import type { ModuleSpec } from './types.ts';

export function decoderModules(dims: ModelDims, layout: DecoderLayout): ModuleSpec[] {
  const modules = [embeddingModule('model.embed_tokens', dims.vocab, dims.hidden)];
  for (let layer = 0; layer < dims.layers; layer++) modules.push(...decoderLayer(dims, layout, layer));
  modules.push(normModule('model.norm', null, dims.hidden));
  modules.push(...layout.modelRotary.map((name) => parameterlessModule(`model.${name}`, 'rotary', null)));
  modules.push(lmHeadModule(dims));
  return modules;
}

function decoderLayer(dims: ModelDims, layout: DecoderLayout, layer: number): ModuleSpec[] {
  const prefix = `model.layers.${layer}`;
  return [
    ...attentionModules(dims, layout, layer, `${prefix}.self_attn`),
    ...gatedMlpModules(dims, layer, `${prefix}.mlp`),
    ...layout.layerNorms.map((name) => normModule(`${prefix}.${name}`, layer, dims.hidden)),
  ];
}

function attentionModules(dims: ModelDims, layout: DecoderLayout, layer: number, attention: string): ModuleSpec[] {
  const queryWidth = dims.heads * dims.headDim;
  const kvWidth = dims.kvHeads * dims.headDim;
  const modules = [
    linearModule(`${attention}.q_proj`, layer, dims.hidden, queryWidth, dims.qkvBias),
    linearModule(`${attention}.k_proj`, layer, dims.hidden, kvWidth, dims.qkvBias),
    linearModule(`${attention}.v_proj`, layer, dims.hidden, kvWidth, dims.qkvBias),
    linearModule(`${attention}.o_proj`, layer, queryWidth, dims.hidden, dims.outputProjBias),
  ];
  if (layout.attentionRotary) modules.push(parameterlessModule(`${attention}.rotary_emb`, 'rotary', layer));
  if (layout.headNorms) {
    modules.push(normModule(`${attention}.q_norm`, layer, dims.headDim), normModule(`${attention}.k_norm`, layer, dims.headDim));
  }
  return modules;
}

function gatedMlpModules(dims: ModelDims, layer: number, mlp: string): ModuleSpec[] {
  return [
    linearModule(`${mlp}.gate_proj`, layer, dims.hidden, dims.intermediate, dims.mlpBias),
    linearModule(`${mlp}.up_proj`, layer, dims.hidden, dims.intermediate, dims.mlpBias),
    linearModule(`${mlp}.down_proj`, layer, dims.intermediate, dims.hidden, dims.mlpBias),
    activationModule(`${mlp}.act_fn`, layer, dims.activation),
  ];
}
