/**
 * The tensors a transformers checkpoint of a Llama-family or Phi-3 config holds, written out here independently of
 * src/arch so tests compare two derivations. Sorted by name, like safetensors files are, not in module order.
 */
import type { TensorDecl } from './safetensors-files.ts';

export interface FixtureConfig {
  architectures: string[];
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads?: number;
  head_dim?: number;
  tie_word_embeddings?: boolean;
}

export function checkpointTensors(config: FixtureConfig): TensorDecl[] {
  const h = config.hidden_size;
  const headDim = config.head_dim ?? h / config.num_attention_heads;
  const q = config.num_attention_heads * headDim;
  const kv = (config.num_key_value_heads ?? config.num_attention_heads) * headDim;
  const i = config.intermediate_size;
  const phi3 = config.architectures[0] === 'Phi3ForCausalLM';
  const qwen2 = config.architectures[0] === 'Qwen2ForCausalLM';
  const tensors: TensorDecl[] = [
    { name: 'model.embed_tokens.weight', shape: [config.vocab_size, h] },
    { name: 'model.norm.weight', shape: [h] },
  ];
  if (!config.tie_word_embeddings) tensors.push({ name: 'lm_head.weight', shape: [config.vocab_size, h] });
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const p = `model.layers.${layer}`;
    tensors.push({ name: `${p}.input_layernorm.weight`, shape: [h] }, { name: `${p}.post_attention_layernorm.weight`, shape: [h] });
    tensors.push({ name: `${p}.self_attn.o_proj.weight`, shape: [h, q] }, { name: `${p}.mlp.down_proj.weight`, shape: [h, i] });
    if (phi3) {
      tensors.push({ name: `${p}.self_attn.qkv_proj.weight`, shape: [q + 2 * kv, h] }, { name: `${p}.mlp.gate_up_proj.weight`, shape: [2 * i, h] });
      continue;
    }
    tensors.push(
      { name: `${p}.self_attn.q_proj.weight`, shape: [q, h] },
      { name: `${p}.self_attn.k_proj.weight`, shape: [kv, h] },
      { name: `${p}.self_attn.v_proj.weight`, shape: [kv, h] },
      { name: `${p}.mlp.gate_proj.weight`, shape: [i, h] },
      { name: `${p}.mlp.up_proj.weight`, shape: [i, h] },
    );
    if (qwen2) {
      tensors.push({ name: `${p}.self_attn.q_proj.bias`, shape: [q] }, { name: `${p}.self_attn.k_proj.bias`, shape: [kv] }, { name: `${p}.self_attn.v_proj.bias`, shape: [kv] });
    }
  }
  return tensors.sort((a, b) => a.name.localeCompare(b.name));
}
