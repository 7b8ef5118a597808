/**
 * Where each Llama-like family registers its leaf modules, besides the shapes: read from each family's
 * transformers modeling code (the __init__ order of the attention, the decoder layer and the model), for the
 * release its published configs name; each registry entry names its layout. Phi-3's packed layout is apart
 * (phi3-modules.ts).
 */

export interface DecoderLayout {
  /** Llama, Mistral and Qwen2 as Olive's published tables walk them (transformers 4.4x) give each attention its own rotary_emb. */
  attentionRotary: boolean;
  /** q_norm and k_norm (an RMSNorm over head_dim of each q and k head), registered after o_proj. */
  headNorms: boolean;
  /** The decoder layer's norms, registered after self_attn and mlp, in order. */
  layerNorms: readonly string[];
  /** Rotary modules of the model, registered after model.norm. */
  modelRotary: readonly string[];
}

const TWO_NORMS = ['input_layernorm', 'post_attention_layernorm'] as const;

/** Olive's Llama tables (Llama, Mistral, Qwen2): q, k, v, o, rotary_emb, gate, up, down, act_fn, two norms; model.rotary_emb after model.norm. */
export const LLAMA_AS_OLIVE_WALKS_IT: DecoderLayout = { attentionRotary: true, headNorms: false, layerNorms: TWO_NORMS, modelRotary: ['rotary_emb'] };

/** LlamaAttention / LlamaDecoderLayer since transformers 4.48: one rotary_emb, on the model (SmolLM3: Llama's attention and layer in a Qwen2Model; Granite: its multipliers are arithmetic, not modules). */
export const LLAMA_MODEL_ROTARY: DecoderLayout = { attentionRotary: false, headNorms: false, layerNorms: TWO_NORMS, modelRotary: ['rotary_emb'] };

/** Qwen3Attention: q, k, v, o, q_norm, k_norm; Qwen3Model: embed_tokens, layers, norm, rotary_emb. */
export const QWEN3_LAYOUT: DecoderLayout = { attentionRotary: false, headNorms: true, layerNorms: TWO_NORMS, modelRotary: ['rotary_emb'] };

/** Gemma3DecoderLayer: four norms; Gemma3TextModel (4.50-4.56): norm, rotary_emb (global), rotary_emb_local (sliding layers). */
export const GEMMA3_LAYOUT: DecoderLayout = {
  attentionRotary: false,
  headNorms: true,
  layerNorms: ['input_layernorm', 'post_attention_layernorm', 'pre_feedforward_layernorm', 'post_feedforward_layernorm'],
  modelRotary: ['rotary_emb', 'rotary_emb_local'],
};
