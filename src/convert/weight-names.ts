/**
 * Hugging Face tensor names of each part of a decoder, per architecture family. Initializers keep these names;
 * MatMul weights, stored transposed ([in, out]), get TRANSPOSED_SUFFIX.
 */
import type { DecoderSpec } from './decoder-spec.ts';

/** Appended to the HF name of a weight stored as its transpose (MatMul's [in_features, out_features]). */
export const TRANSPOSED_SUFFIX = '.T';

export const EMBEDDING = 'model.embed_tokens.weight';
export const FINAL_NORM = 'model.norm.weight';
export const LM_HEAD = 'lm_head.weight';

/** Buffers some checkpoints carry that the graph recomputes (rotary inverse frequencies). */
export function isRecomputedBuffer(name: string): boolean {
  return name.endsWith('.rotary_emb.inv_freq');
}

export function layerPrefix(layer: number): string {
  return `model.layers.${layer}`;
}

function attentionShapes(spec: DecoderSpec): Record<string, number[]> {
  const q = spec.numHeads * spec.headDim;
  const kv = spec.numKvHeads * spec.headDim;
  if (spec.fusedProjections) return { qkv_proj: [q + 2 * kv, spec.hiddenSize] };
  return { q_proj: [q, spec.hiddenSize], k_proj: [kv, spec.hiddenSize], v_proj: [kv, spec.hiddenSize] };
}

function mlpShapes(spec: DecoderSpec): Record<string, number[]> {
  const { hiddenSize: hidden, intermediateSize: inner } = spec;
  const inputs: Record<string, number[]> = spec.fusedProjections ? { gate_up_proj: [2 * inner, hidden] } : { gate_proj: [inner, hidden], up_proj: [inner, hidden] };
  return { ...inputs, down_proj: [hidden, inner] };
}

function layerTensors(spec: DecoderSpec, layer: number, into: Map<string, number[]>): void {
  const prefix = layerPrefix(layer);
  into.set(`${prefix}.input_layernorm.weight`, [spec.hiddenSize]);
  for (const [proj, shape] of Object.entries(attentionShapes(spec))) {
    into.set(`${prefix}.self_attn.${proj}.weight`, shape);
    if (spec.qkvBias) into.set(`${prefix}.self_attn.${proj}.bias`, [shape[0]]);
  }
  into.set(`${prefix}.self_attn.o_proj.weight`, [spec.hiddenSize, spec.numHeads * spec.headDim]);
  into.set(`${prefix}.post_attention_layernorm.weight`, [spec.hiddenSize]);
  for (const [proj, shape] of Object.entries(mlpShapes(spec))) into.set(`${prefix}.mlp.${proj}.weight`, shape);
}

/** Every tensor the graph reads for this spec, with its shape in the checkpoint. */
export function expectedTensors(spec: DecoderSpec): Map<string, number[]> {
  const tensors = new Map<string, number[]>([[EMBEDDING, [spec.vocabSize, spec.hiddenSize]]]);
  for (let layer = 0; layer < spec.numLayers; layer++) layerTensors(spec, layer, tensors);
  tensors.set(FINAL_NORM, [spec.hiddenSize]);
  if (!spec.tiedEmbeddings) tensors.set(LM_HEAD, [spec.vocabSize, spec.hiddenSize]);
  return tensors;
}
