import { describe, expect, it } from 'vitest';
import { resolveArchitecture } from '../../src/arch/resolve-architecture.ts';
import type { HfConfig } from '../../src/hf/config.ts';

const SIZES = { vocab_size: 32, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2 };

function config(extra: Partial<HfConfig>): HfConfig {
  return { ...SIZES, ...extra };
}

describe('resolveArchitecture', () => {
  it.each([
    ['LlamaForCausalLM', 'llama'],
    ['MistralForCausalLM', 'mistral'],
    ['Qwen2ForCausalLM', 'qwen2'],
    ['Phi3ForCausalLM', 'phi3'],
  ])('%s is %s', (className, arch) => {
    expect(resolveArchitecture(config({ architectures: [className] }))).toBe(arch);
  });

  it('falls back to model_type when architectures is absent', () => {
    expect(resolveArchitecture(config({ model_type: 'qwen2' }))).toBe('qwen2');
  });

  it('refuses anything else, listing what is supported', () => {
    expect(() => resolveArchitecture(config({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2' }))).toThrow(
      /unsupported architecture 'GPT2LMHeadModel': supported are LlamaForCausalLM \(llama\), MistralForCausalLM \(mistral\), Qwen2ForCausalLM \(qwen2\), Phi3ForCausalLM \(phi3\), Qwen3ForCausalLM \(qwen3\), SmolLM3ForCausalLM \(smollm3\), GraniteForCausalLM \(granite\), Gemma3ForCausalLM \(gemma3_text\);/,
    );
    expect(() => resolveArchitecture(config({}))).toThrow(/unsupported architecture 'no architectures or model_type'/);
  });
});
