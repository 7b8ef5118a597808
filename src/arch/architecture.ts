/**
 * Everything a checked config.json says about a decoder's math: its sizes (ModelDims, which decide the module
 * tree) and the flavour of each part (attention, rotary, norms, MLP, the multipliers some families add). Made once
 * by openArchitecture when the model is opened; cost, plan and convert all read this one description.
 */
import type { ModelDims } from './model-dims.ts';
import type { RopeSpec } from './rope-config.ts';

/** How one decoder layer attends. */
export interface LayerAttention {
  /** Which rotary table turns q and k: the model's, Gemma 3's local one (sliding layers), or none (SmolLM3's NoPE layers). */
  rotary: 'global' | 'local' | 'none';
  /** Keys at most this many positions back (self included) are visible; undefined = full causal attention. */
  slidingWindow: number | undefined;
}

/** The MLP's activation: SiLU-gated (Llama and most) or GELU with the tanh approximation (Gemma's gelu_pytorch_tanh). */
export type MlpActivation = 'silu' | 'gelu_tanh';

export interface Architecture extends ModelDims {
  /** The transformers class, e.g. Qwen3ForCausalLM (named in errors and genai_config). */
  className: string;
  rmsNormEps: number;
  maxPositions: number;
  /** The rotary embedding of full-attention layers (and of every layer but Gemma 3's sliding ones). */
  rope: RopeSpec;
  /** Gemma 3's sliding layers: their own base and no scaling. */
  localRope: RopeSpec | undefined;
  /** Channels of each head that rotary turns (the first ones; Phi-4-mini's partial_rotary_factor leaves the rest). */
  rotaryDim: number;
  layerAttention: LayerAttention[];
  /** Multiplies q·kᵀ: 1/sqrt(head_dim) unless the family says otherwise (Granite, Gemma 3). */
  attentionScale: number;
  /** Phi-3 stores q, k, v as one qkv_proj and gate, up as one gate_up_proj. */
  fusedProjections: boolean;
  /** Per-head RMSNorm of q and k before rotary (Qwen3, Gemma 3). */
  qkNorm: boolean;
  /** RMSNorm multiplies by (normOffset + weight): 0 for most, 1 for Gemma's zero-centred weights. */
  normOffset: 0 | 1;
  /** Gemma's four norms a layer: attention and MLP outputs are normed before their residual add. */
  sandwichNorms: boolean;
  mlpActivation: MlpActivation;
  /** Multiplies the embedding lookup (Gemma's sqrt(hidden), Granite's embedding_multiplier). */
  embeddingScale: number;
  /** Multiplies each block's output before its residual add (Granite's residual_multiplier). */
  residualScale: number;
  /** Divides the logits (Granite's logits_scaling). */
  logitsDivisor: number;
  /** logits = cap · tanh(logits / cap) when set (Gemma's final_logit_softcapping). */
  finalLogitSoftcap: number | undefined;
}
