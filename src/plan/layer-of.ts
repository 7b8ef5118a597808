/** Where a module sits in the decoder stack, read from its dotted path. */
export interface LayerRef {
  /** The layer stack, e.g. "model.layers". */
  stack: string;
  index: number;
  /** The whole layer's module path, e.g. "model.layers.3". */
  layerModule: string;
}

// The first all-digit path segment is a layer index in every Hugging Face causal LM ("model.layers.3.mlp",
// "transformer.h.3.attn"); modules outside the stack (embedding, final norm, lm_head) have none.
const LAYER_PATTERN = /^((?:[^.]+\.)*?[^.]+)\.(\d+)(?:\.|$)/;

export function layerOf(module: string): LayerRef | null {
  const match = LAYER_PATTERN.exec(module);
  if (!match) return null;
  return { stack: match[1], index: Number(match[2]), layerModule: `${match[1]}.${match[2]}` };
}
