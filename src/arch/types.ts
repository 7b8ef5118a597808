/**
 * What a model is made of, module by module, in the order PyTorch registers them (the order Olive's cost table
 * and its splitter walk). Every later stage (cost, plan, split, build) reads this instead of re-deriving shapes.
 */

/** A family, named by its config's model_type. */
export type ArchName = 'llama' | 'mistral' | 'qwen2' | 'phi3' | 'qwen3' | 'gemma3_text' | 'smollm3' | 'granite';

export type ModuleKind = 'embedding' | 'linear' | 'norm' | 'rotary' | 'activation' | 'dropout';

/** One parameter tensor, named as in the Hugging Face checkpoint; Linear weights are [out_features, in_features]. */
export interface WeightSpec {
  name: string;
  shape: number[];
}

/** A leaf module (no child modules), parameterless leaves included. */
export interface ModuleSpec {
  /** Dotted module path, e.g. model.layers.0.self_attn.q_proj */
  name: string;
  kind: ModuleKind;
  /** Decoder layer index; null for modules outside the layers (embedding, final norm, lm_head). */
  layer: number | null;
  /** A tied lm_head lists model.embed_tokens.weight: the same tensor counts in each module holding it. */
  weights: WeightSpec[];
  params: number;
  /** For kind 'activation': the config's hidden_act (e.g. silu), which decides its FLOPs. */
  activation?: string;
}

/** Tensor shapes by checkpoint name, as read from safetensors headers (local or over HTTP). */
export type TensorShapes = ReadonlyMap<string, readonly number[]>;

/** The checkpoint whose headers gave the shapes, named in errors (a folder or a hub id). */
export interface CheckpointShapes {
  source: string;
  tensors: TensorShapes;
}
