/**
 * What the reference reads from config.json, by model_type, as each transformers config class and modeling file
 * does (written from them, not from src/): sizes, rotary width, per-layer windows and rotary tables, scales.
 */

export interface ModelMath {
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  rotaryDim: number;
  eps: number;
  tiedEmbeddings: boolean;
  /** RMSNorm multiplies by (normOffset + weight): Gemma3RMSNorm uses 1 + weight. */
  normOffset: number;
  sandwichNorms: boolean;
  activation: string;
  attentionScale: number;
  embeddingScale: number;
  residualMultiplier: number;
  logitsScaling: number;
  finalLogitSoftcap: number | undefined;
  /** Gemma 3's rope_local_base_freq for sliding layers. */
  localRopeBase: number | undefined;
}

export interface LayerPlan {
  rotary: 'global' | 'local' | 'none';
  /** Keys further back than this many positions (self included) are masked; Infinity when none. */
  window: number;
}

function gemmaLayers(config: Record<string, any>): LayerPlan[] {
  // Gemma3TextConfig: layer_types, else sliding unless (i + 1) % sliding_window_pattern == 0
  const pattern = config.sliding_window_pattern ?? 6;
  const types: string[] = config.layer_types ?? Array.from({ length: config.num_hidden_layers }, (_, i) => ((i + 1) % pattern ? 'sliding_attention' : 'full_attention'));
  return types.map((type) => (type === 'sliding_attention' ? { rotary: 'local', window: config.sliding_window } : { rotary: 'global', window: Infinity }));
}

function layers(config: Record<string, any>): LayerPlan[] {
  const count = config.num_hidden_layers;
  if (config.model_type === 'gemma3_text') return gemmaLayers(config);
  if (config.model_type === 'smollm3') {
    const interval = config.no_rope_layer_interval ?? 4;
    const useRope: number[] = config.no_rope_layers ?? Array.from({ length: count }, (_, i) => Number((i + 1) % interval !== 0));
    return useRope.map((use) => ({ rotary: use ? 'global' : 'none', window: Infinity }));
  }
  // Mistral and Phi-3 apply sliding_window to every layer; Qwen2 only with use_sliding_window
  const windowed = config.model_type === 'mistral' || config.model_type === 'phi3' || (config.model_type === 'qwen2' && config.use_sliding_window);
  const window = windowed && config.sliding_window != null ? config.sliding_window : Infinity;
  return Array.from({ length: count }, () => ({ rotary: 'global', window }));
}

export function layerPlan(config: Record<string, any>): { math: ModelMath; layers: LayerPlan[] } {
  const type = config.model_type;
  const heads = config.num_attention_heads;
  const headDim = config.head_dim ?? config.hidden_size / heads;
  const gemma = type === 'gemma3_text';
  const granite = type === 'granite';
  const math: ModelMath = {
    hidden: config.hidden_size,
    heads,
    kvHeads: config.num_key_value_heads ?? heads,
    headDim,
    rotaryDim: Math.floor(headDim * (config.partial_rotary_factor ?? 1)),
    eps: config.rms_norm_eps,
    tiedEmbeddings: config.tie_word_embeddings ?? (gemma || type === 'smollm3'),
    normOffset: gemma ? 1 : 0,
    sandwichNorms: gemma,
    activation: gemma ? config.hidden_activation : config.hidden_act,
    attentionScale: gemma ? config.query_pre_attn_scalar ** -0.5 : granite ? config.attention_multiplier : headDim ** -0.5,
    embeddingScale: gemma ? Math.sqrt(config.hidden_size) : granite ? config.embedding_multiplier : 1,
    residualMultiplier: granite ? config.residual_multiplier : 1,
    logitsScaling: granite ? config.logits_scaling : 1,
    finalLogitSoftcap: gemma ? (config.final_logit_softcapping ?? undefined) : undefined,
    localRopeBase: gemma ? config.rope_local_base_freq : undefined,
  };
  return { math, layers: layers(config) };
}
