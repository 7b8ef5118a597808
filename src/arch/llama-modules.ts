/**
 * Llama, Mistral and Qwen2 share one module layout (transformers' registration order, as in Olive's Llama tables):
 * per layer q, k, v, o, rotary_emb, gate, up, down, act_fn, input_layernorm, post_attention_layernorm; then
 * model.norm, model.rotary_emb and lm_head.
 */
import type { ModelDims } from './model-dims.ts';
import { activationModule, embeddingModule, linearModule, normModule, parameterlessModule } from './module-spec.ts';
import { lmHeadModule } from './lm-head-module.ts';
import type { ModuleSpec } from './types.ts';

export function llamaModules(dims: ModelDims): ModuleSpec[] {
  const modules = [embeddingModule('model.embed_tokens', dims.vocab, dims.hidden)];
  for (let layer = 0; layer < dims.layers; layer++) modules.push(...llamaLayer(dims, layer));
  modules.push(normModule('model.norm', null, dims.hidden), parameterlessModule('model.rotary_emb', 'rotary', null), lmHeadModule(dims));
  return modules;
}

function llamaLayer(dims: ModelDims, layer: number): ModuleSpec[] {
  const prefix = `model.layers.${layer}`;
  const attention = `${prefix}.self_attn`;
  const mlp = `${prefix}.mlp`;
  const queryWidth = dims.heads * dims.headDim;
  const kvWidth = dims.kvHeads * dims.headDim;
  return [
    linearModule(`${attention}.q_proj`, layer, dims.hidden, queryWidth, dims.qkvBias),
    linearModule(`${attention}.k_proj`, layer, dims.hidden, kvWidth, dims.qkvBias),
    linearModule(`${attention}.v_proj`, layer, dims.hidden, kvWidth, dims.qkvBias),
    linearModule(`${attention}.o_proj`, layer, queryWidth, dims.hidden, dims.outputProjBias),
    parameterlessModule(`${attention}.rotary_emb`, 'rotary', layer),
    linearModule(`${mlp}.gate_proj`, layer, dims.hidden, dims.intermediate, dims.mlpBias),
    linearModule(`${mlp}.up_proj`, layer, dims.hidden, dims.intermediate, dims.mlpBias),
    linearModule(`${mlp}.down_proj`, layer, dims.intermediate, dims.hidden, dims.mlpBias),
    activationModule(`${mlp}.act_fn`, layer, dims.activation),
    normModule(`${prefix}.input_layernorm`, layer, dims.hidden),
    normModule(`${prefix}.post_attention_layernorm`, layer, dims.hidden),
  ];
}
