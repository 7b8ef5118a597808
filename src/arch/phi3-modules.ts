/**
 * Phi-3 / Phi-3.5 / Phi-4-mini layout (as in Olive's Phi-3 tables): packed qkv_proj and gate_up_proj, o_proj
 * registered before qkv_proj, an embedding dropout and two residual dropouts per layer, no model-level rotary_emb.
 */
import type { ModelDims } from './model-dims.ts';
import { activationModule, embeddingModule, linearModule, normModule, parameterlessModule } from './module-spec.ts';
import { lmHeadModule } from './lm-head-module.ts';
import type { ModuleSpec } from './types.ts';

export function phi3Modules(dims: ModelDims): ModuleSpec[] {
  const modules = [
    embeddingModule('model.embed_tokens', dims.vocab, dims.hidden),
    parameterlessModule('model.embed_dropout', 'dropout', null),
  ];
  for (let layer = 0; layer < dims.layers; layer++) modules.push(...phi3Layer(dims, layer));
  modules.push(normModule('model.norm', null, dims.hidden), lmHeadModule(dims));
  return modules;
}

function phi3Layer(dims: ModelDims, layer: number): ModuleSpec[] {
  const prefix = `model.layers.${layer}`;
  const attention = `${prefix}.self_attn`;
  const mlp = `${prefix}.mlp`;
  const queryWidth = dims.heads * dims.headDim;
  const packedQkvWidth = queryWidth + 2 * dims.kvHeads * dims.headDim;
  return [
    linearModule(`${attention}.o_proj`, layer, queryWidth, dims.hidden, false),
    linearModule(`${attention}.qkv_proj`, layer, dims.hidden, packedQkvWidth, false),
    parameterlessModule(`${attention}.rotary_emb`, 'rotary', layer),
    linearModule(`${mlp}.gate_up_proj`, layer, dims.hidden, 2 * dims.intermediate, false),
    linearModule(`${mlp}.down_proj`, layer, dims.intermediate, dims.hidden, false),
    activationModule(`${mlp}.activation_fn`, layer, dims.activation),
    normModule(`${prefix}.input_layernorm`, layer, dims.hidden),
    parameterlessModule(`${prefix}.resid_attn_dropout`, 'dropout', layer),
    parameterlessModule(`${prefix}.resid_mlp_dropout`, 'dropout', layer),
    normModule(`${prefix}.post_attention_layernorm`, layer, dims.hidden),
  ];
}
