import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openArchitecture } from '../../src/arch/open-architecture.ts';
import { localWindowSize } from '../../src/convert/attention.ts';
import type { HfConfig } from '../../src/hf/config.ts';

/** The math-relevant fields of published config.json files (factor lists shortened to the right length). */
const LLAMA_3_2_1B: HfConfig = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 128256, hidden_size: 2048, intermediate_size: 8192,
  num_hidden_layers: 16, num_attention_heads: 32, num_key_value_heads: 8, head_dim: 64, hidden_act: 'silu',
  max_position_embeddings: 131072, rms_norm_eps: 1e-5, rope_theta: 500000, attention_bias: false, mlp_bias: false,
  rope_scaling: { factor: 32, high_freq_factor: 4, low_freq_factor: 1, original_max_position_embeddings: 8192, rope_type: 'llama3' },
  tie_word_embeddings: true, pretraining_tp: 1,
};

const MISTRAL_7B_V01: HfConfig = {
  architectures: ['MistralForCausalLM'], model_type: 'mistral', vocab_size: 32000, hidden_size: 4096, intermediate_size: 14336,
  num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, hidden_act: 'silu', max_position_embeddings: 32768,
  rms_norm_eps: 1e-5, rope_theta: 10000, sliding_window: 4096, tie_word_embeddings: false,
};

const QWEN2_5_0_5B: HfConfig = {
  architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', vocab_size: 151936, hidden_size: 896, intermediate_size: 4864,
  num_hidden_layers: 24, num_attention_heads: 14, num_key_value_heads: 2, hidden_act: 'silu', max_position_embeddings: 32768,
  rms_norm_eps: 1e-6, rope_theta: 1000000, sliding_window: 32768, use_sliding_window: false, max_window_layers: 21, tie_word_embeddings: true,
};

const PHI_3_5_MINI: HfConfig = {
  architectures: ['Phi3ForCausalLM'], model_type: 'phi3', vocab_size: 32064, hidden_size: 3072, intermediate_size: 8192,
  num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 32, hidden_act: 'silu', max_position_embeddings: 131072,
  original_max_position_embeddings: 4096, rms_norm_eps: 1e-5, rope_theta: 10000, sliding_window: 262144, tie_word_embeddings: false,
  rope_scaling: { type: 'longrope', short_factor: new Array(48).fill(1.05), long_factor: new Array(48).fill(1.8) },
};

const PHI_3_MINI_4K: HfConfig = { ...PHI_3_5_MINI, max_position_embeddings: 4096, rope_scaling: null, sliding_window: 2047 };

const windows = (config: HfConfig) => openArchitecture(config).layerAttention.map((layer) => layer.slidingWindow);

describe('openArchitecture on published configurations', () => {
  it('Llama-3.2-1B: llama3 rope, tied, grouped heads', () => {
    expect(openArchitecture(LLAMA_3_2_1B)).toMatchObject({
      arch: 'llama', headDim: 64, kvHeads: 8, tiedEmbeddings: true, rotaryDim: 64,
      rope: { kind: 'llama3', theta: 500000, factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 },
    });
    expect(new Set(windows(LLAMA_3_2_1B))).toEqual(new Set([undefined]));
  });

  it('Mistral-7B-v0.1: head size from hidden/heads, a 4096-token window', () => {
    const spec = openArchitecture(MISTRAL_7B_V01);
    expect(spec).toMatchObject({ arch: 'mistral', headDim: 128, tiedEmbeddings: false, rope: { kind: 'default', theta: 10000 } });
    expect(localWindowSize(spec.layerAttention[0].slidingWindow)).toBe(4096);
  });

  it('Qwen2.5-0.5B: biases, tied, window switched off', () => {
    expect(openArchitecture(QWEN2_5_0_5B)).toMatchObject({ arch: 'qwen2', headDim: 64, qkvBias: true, outputProjBias: false, tiedEmbeddings: true, rmsNormEps: 1e-6 });
    expect(new Set(windows(QWEN2_5_0_5B))).toEqual(new Set([undefined]));
  });

  it('Phi-3.5-mini: fused projections and longrope with the published attention factor', () => {
    const spec = openArchitecture(PHI_3_5_MINI);
    expect(spec).toMatchObject({ arch: 'phi3', headDim: 96, rotaryDim: 96, fusedProjections: true, rope: { kind: 'longrope', originalMaxPositions: 4096 } });
    expect(spec.rope.kind === 'longrope' && spec.rope.attentionFactor).toBeCloseTo(Math.sqrt(1 + Math.log(32) / Math.log(4096)), 12);
  });

  it('Phi-3-mini-4k: plain rope and its 2047-token window', () => {
    expect(openArchitecture(PHI_3_MINI_4K)).toMatchObject({ rope: { kind: 'default' } });
    expect(windows(PHI_3_MINI_4K)[0]).toBe(2047);
  });

  it('refuses what no family implements, naming the field', () => {
    expect(() => openArchitecture({ ...LLAMA_3_2_1B, partial_rotary_factor: 0.75 })).toThrow(/partial_rotary_factor = 0.75 is not supported \(not implemented for llama\)/);
    expect(() => openArchitecture({ ...LLAMA_3_2_1B, architectures: ['Gemma2ForCausalLM'], model_type: 'gemma2' })).toThrow(/unsupported architecture 'Gemma2ForCausalLM'/);
    expect(() => openArchitecture({ ...LLAMA_3_2_1B, rope_scaling: { rope_type: 'dynamic', factor: 2 } })).toThrow(/rope_scaling type 'dynamic'/);
  });

  it('takes the family from model_type when architectures is absent', () => {
    const { architectures: _a, ...noClass } = MISTRAL_7B_V01;
    expect(openArchitecture(noClass as HfConfig)).toMatchObject({ arch: 'mistral', className: 'MistralForCausalLM' });
  });
});

const COST_MODELS = path.join(import.meta.dirname, '..', '..', 'cost-models');
const published = (name: string) => JSON.parse(readFileSync(path.join(COST_MODELS, name, 'config.json'), 'utf8')) as HfConfig;

describe('openArchitecture on the published configs of the 2025–26 edge families (cost-models/)', () => {
  it('Phi-4-mini: rotary on 96 of 128 channels, longrope factors of 48, tied', () => {
    const spec = openArchitecture(published('Phi-4-mini'));
    expect(spec).toMatchObject({ arch: 'phi3', headDim: 128, rotaryDim: 96, tiedEmbeddings: true, fusedProjections: true, rope: { kind: 'longrope', originalMaxPositions: 4096 } });
    expect(spec.rope.kind === 'longrope' && spec.rope.longFactor).toHaveLength(48);
  });

  it.each(['Qwen3-0.6B', 'Qwen3-1.7B', 'Qwen3-4B'])('%s: q/k norm, head_dim 128, no biases, no windows', (name) => {
    const spec = openArchitecture(published(name));
    expect(spec).toMatchObject({ arch: 'qwen3', headDim: 128, qkNorm: true, qkvBias: false, outputProjBias: false, attentionScale: 128 ** -0.5, rope: { kind: 'default', theta: 1000000 } });
    expect(new Set(windows(published(name)))).toEqual(new Set([undefined]));
  });

  it('SmolLM3-3B: every 4th layer without rotary, tied by its config class default', () => {
    const spec = openArchitecture(published('SmolLM3-3B'));
    expect(spec).toMatchObject({ arch: 'smollm3', tiedEmbeddings: true, rope: { kind: 'default', theta: 5000000 } });
    expect(spec.layerAttention.map((layer) => layer.rotary === 'none')).toEqual(Array.from({ length: 36 }, (_, i) => (i + 1) % 4 === 0));
  });

  it('granite-3.3-2b-instruct: its four multipliers', () => {
    expect(openArchitecture(published('granite-3.3-2b-instruct'))).toMatchObject({
      arch: 'granite', embeddingScale: 12, attentionScale: 0.015625, residualScale: 0.22, logitsDivisor: 8, tiedEmbeddings: true,
    });
  });

  it.each([
    ['gemma-3-1b-it', 26],
    ['gemma-3-270m', 18],
  ])('%s: 5 sliding layers to 1 global, two rotary bases, (1 + w) norms, GELU-tanh, sqrt(hidden) embedding', (name, layers) => {
    const config = published(name);
    const spec = openArchitecture(config);
    expect(spec).toMatchObject({
      arch: 'gemma3_text', headDim: 256, normOffset: 1, sandwichNorms: true, qkNorm: true, mlpActivation: 'gelu_tanh', tiedEmbeddings: true,
      attentionScale: 256 ** -0.5, embeddingScale: Math.sqrt(config.hidden_size), finalLogitSoftcap: undefined,
      rope: { kind: 'default', theta: 1000000 }, localRope: { kind: 'default', theta: 10000 },
    });
    expect(spec.layerAttention).toHaveLength(layers);
    expect(spec.layerAttention.map((layer) => layer.slidingWindow)).toEqual(Array.from({ length: layers }, (_, i) => ((i + 1) % 6 === 0 ? undefined : 512)));
    expect(spec.layerAttention.map((layer) => layer.rotary)).toEqual(Array.from({ length: layers }, (_, i) => ((i + 1) % 6 === 0 ? 'global' : 'local')));
  });

  it('Gemma 3 in transformers 5 form: rope_parameters per layer type', () => {
    const { rope_theta: _t, rope_local_base_freq: _l, rope_scaling: _s, ...rest } = published('gemma-3-1b-it');
    const spec = openArchitecture({
      ...rest,
      rope_parameters: { full_attention: { rope_type: 'linear', factor: 8, rope_theta: 1000000 }, sliding_attention: { rope_type: 'default', rope_theta: 10000 } },
    } as HfConfig);
    expect(spec).toMatchObject({ rope: { kind: 'linear', theta: 1000000, factor: 8 }, localRope: { kind: 'default', theta: 10000 } });
  });
});
