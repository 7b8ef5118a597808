import { describe, expect, it } from 'vitest';
import type { HfConfig } from '../../src/hf/config.ts';
import { activationBytes, kvCacheBytesPerLayer } from '../../src/plan/estimate-runtime.ts';
import { runtimeModelFromConfig } from '../../src/plan/runtime-model-from-config.ts';

const llama31: HfConfig = {
  architectures: ['LlamaForCausalLM'],
  vocab_size: 128256,
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  max_position_embeddings: 131072,
};

describe('runtimeModelFromConfig', () => {
  it('reads the sizes and takes the context from max_position_embeddings, as genai_config does', () => {
    expect(runtimeModelFromConfig(llama31, 'fp16')).toEqual({
      numLayers: 32, numKvHeads: 8, headDim: 128, hiddenSize: 4096, intermediateSize: 14336, vocabSize: 128256,
      contextLength: 131072, kvBytesPerElement: 2, activationBytesPerElement: 2,
    });
    expect(runtimeModelFromConfig(llama31, 'fp32', 4096)).toMatchObject({ contextLength: 4096, kvBytesPerElement: 4 });
  });

  it('needs a context length from somewhere', () => {
    const { max_position_embeddings: _, ...withoutContext } = llama31;
    expect(() => runtimeModelFromConfig(withoutContext, 'fp16')).toThrow(/no max_position_embeddings: give the context length to plan for \(--context-length\)/);
    expect(() => runtimeModelFromConfig(llama31, 'fp16', 0)).toThrow(/whole number of tokens ≥ 1, got 0/);
  });
});

describe('runtime estimates', () => {
  const model = runtimeModelFromConfig(llama31, 'fp16', 4096);

  it('sizes the KV cache of a layer: 2 × kv heads × head dim × context × bytes', () => {
    expect(kvCacheBytesPerLayer(model)).toBe(2 * 8 * 128 * 4096 * 2);
  });

  it('sizes the largest activation of a prefill over the whole context', () => {
    expect(activationBytes('layer', model)).toBe(4096 * 2 * 14336 * 2);
    expect(activationBytes('logits', model)).toBe(4096 * 128256 * 2);
    expect(activationBytes('hidden', model)).toBe(4096 * 4096 * 2);
  });
});
