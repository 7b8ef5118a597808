import { describe, expect, it } from 'vitest';
import type { HfConfig } from '../../src/hf/config.ts';
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
      numLayers: 32, numKvHeads: 8, numHeads: 32, tiedEmbeddings: false, headDim: 128, hiddenSize: 4096, intermediateSize: 14336, vocabSize: 128256,
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
