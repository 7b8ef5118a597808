/**
 * Hugging Face tensor names the graph reads by role. Initializers keep these names; MatMul weights, stored
 * transposed ([in, out]), get TRANSPOSED_SUFFIX. Which tensors a family has comes from its module tree (src/arch).
 */

/** Appended to the HF name of a weight stored as its transpose (MatMul's [in_features, out_features]). */
export const TRANSPOSED_SUFFIX = '.T';

/** Appended to the HF name of a norm weight stored as (1 + weight), for Gemma's zero-centred RMSNorm. */
export const PLUS_ONE_SUFFIX = '.plus_one';

export const EMBEDDING = 'model.embed_tokens.weight';
export const LM_HEAD = 'lm_head.weight';

export function layerPrefix(layer: number): string {
  return `model.layers.${layer}`;
}
