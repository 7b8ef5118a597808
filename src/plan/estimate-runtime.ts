/**
 * What a split needs at run time besides its weights, for batch 1 at the model's context length:
 *  - KV cache: 2 (key and value) × kv_heads × head_dim × context × bytes per element, per decoder layer held.
 *  - Largest activation: the widest intermediate a prefill of the whole context materialises, context × width ×
 *    bytes per element, where width is the vocabulary for the split producing logits, max(hidden, 2 ×
 *    intermediate) for a decoder layer (the gate and up projections are both alive until they are multiplied),
 *    and hidden otherwise (embedding output, final norm). Attention scores are not counted: ONNX Runtime's
 *    GroupQueryAttention works through them without holding context × context per head.
 * Buffers are assumed reused between layers, so a split holds one largest activation, not one per layer.
 */
import type { RuntimeModel } from './types.ts';
import type { ActivationRole } from './plan-units.ts';

export function kvCacheBytesPerLayer(model: RuntimeModel): number {
  return 2 * model.numKvHeads * model.headDim * model.contextLength * model.kvBytesPerElement;
}

export function activationBytes(role: ActivationRole, model: RuntimeModel): number {
  return model.contextLength * activationWidth(role, model) * model.activationBytesPerElement;
}

function activationWidth(role: ActivationRole, model: RuntimeModel): number {
  switch (role) {
    case 'logits':
      return model.vocabSize;
    case 'layer':
      return Math.max(model.hiddenSize, 2 * model.intermediateSize);
    case 'hidden':
      return model.hiddenSize;
  }
}
