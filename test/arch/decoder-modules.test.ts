/**
 * The module trees of the 2025 families (Qwen3, Gemma 3 text, SmolLM3, Granite): names in the registration order
 * of each family's modeling code, weight shapes, tied embeddings and the config defaults each config class has.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeModules } from '../../src/arch/describe-modules.ts';
import { costTable } from '../../src/cost/cost-table.ts';
import type { HfConfig } from '../../src/hf/config.ts';
import { checkpointTensors } from '../fixtures-hub/checkpoint-tensors.ts';

const COST_MODELS = path.join(import.meta.dirname, '..', '..', 'cost-models');

function publishedConfig(name: string): HfConfig {
  return JSON.parse(readFileSync(path.join(COST_MODELS, name, 'config.json'), 'utf8')) as HfConfig;
}

/** head_dim 8 on purpose: not hidden / heads (16 / 4), as Qwen3 and Gemma 3 configs state it apart. */
const SIZES = {
  vocab_size: 64,
  hidden_size: 16,
  intermediate_size: 24,
  num_hidden_layers: 1,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 8,
};

const qwen3: HfConfig = { ...SIZES, architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', tie_word_embeddings: true };
const gemma3: HfConfig = { ...SIZES, architectures: ['Gemma3ForCausalLM'], model_type: 'gemma3_text', hidden_activation: 'gelu_pytorch_tanh' };
const smollm3: HfConfig = { ...SIZES, head_dim: undefined, architectures: ['SmolLM3ForCausalLM'], model_type: 'smollm3' };
const granite: HfConfig = { ...SIZES, head_dim: undefined, architectures: ['GraniteForCausalLM'], model_type: 'granite', tie_word_embeddings: true };

const LLAMA_ATTENTION = ['q_proj', 'k_proj', 'v_proj', 'o_proj'].map((name) => `model.layers.0.self_attn.${name}`);
const GATED_MLP = ['gate_proj', 'up_proj', 'down_proj', 'act_fn'].map((name) => `model.layers.0.mlp.${name}`);
const HEAD_NORMS = ['model.layers.0.self_attn.q_norm', 'model.layers.0.self_attn.k_norm'];
const TWO_NORMS = ['model.layers.0.input_layernorm', 'model.layers.0.post_attention_layernorm'];

function names(config: HfConfig): string[] {
  return describeModules(config).map((module) => module.name);
}

function moduleOf(config: HfConfig, name: string) {
  const found = describeModules(config).find((module) => module.name === name);
  if (!found) throw new Error(`no module ${name}`);
  return found;
}

describe('Qwen3 modules', () => {
  it('registers q, k, v, o, q_norm, k_norm, the MLP, two norms, then norm, rotary_emb and lm_head', () => {
    expect(names(qwen3)).toEqual([
      'model.embed_tokens',
      ...LLAMA_ATTENTION,
      ...HEAD_NORMS,
      ...GATED_MLP,
      ...TWO_NORMS,
      'model.norm',
      'model.rotary_emb',
      'lm_head',
    ]);
  });

  it('sizes q/k/v/o by the explicit head_dim and the head norms over head_dim', () => {
    expect(moduleOf(qwen3, 'model.layers.0.self_attn.q_proj').weights).toEqual([{ name: 'model.layers.0.self_attn.q_proj.weight', shape: [32, 16] }]);
    expect(moduleOf(qwen3, 'model.layers.0.self_attn.k_proj').weights[0].shape).toEqual([16, 16]);
    expect(moduleOf(qwen3, 'model.layers.0.self_attn.o_proj').weights[0].shape).toEqual([16, 32]);
    expect(moduleOf(qwen3, 'model.layers.0.self_attn.q_norm')).toMatchObject({ kind: 'norm', layer: 0, params: 8 });
    expect(moduleOf(qwen3, 'model.layers.0.self_attn.k_norm').weights).toEqual([{ name: 'model.layers.0.self_attn.k_norm.weight', shape: [8] }]);
  });

  it('ties lm_head to the embedding when the config says so, and defaults to untied as Qwen3Config does', () => {
    expect(moduleOf(qwen3, 'lm_head').weights).toEqual([{ name: 'model.embed_tokens.weight', shape: [64, 16] }]);
    const { tie_word_embeddings: _tie, ...untied } = qwen3;
    expect(moduleOf(untied as HfConfig, 'lm_head').weights).toEqual([{ name: 'lm_head.weight', shape: [64, 16] }]);
  });

  it("takes Qwen3Config's head_dim default (128) when the config omits it", () => {
    const { head_dim: _headDim, ...noHeadDim } = qwen3;
    expect(moduleOf({ ...noHeadDim, hidden_size: 64 } as HfConfig, 'model.layers.0.self_attn.q_norm').params).toBe(128);
  });

  it('gives q, k, v and o a bias only when attention_bias is set; the MLP never has one', () => {
    const biased = describeModules({ ...qwen3, attention_bias: true, mlp_bias: true });
    const withBias = biased.filter((module) => module.weights.some((weight) => weight.name.endsWith('.bias'))).map((module) => module.name);
    expect(withBias).toEqual(LLAMA_ATTENTION);
    expect(describeModules(qwen3).some((module) => module.weights.some((weight) => weight.name.endsWith('.bias')))).toBe(false);
  });

  it('describes the published Qwen3-4B: 36 layers of 12 modules, GQA 32/8 at head_dim 128, tied', () => {
    const modules = describeModules(publishedConfig('Qwen3-4B'));
    expect(modules).toHaveLength(1 + 36 * 12 + 3);
    expect(modules.find((m) => m.name === 'model.layers.35.self_attn.q_proj')!.weights[0].shape).toEqual([4096, 2560]);
    expect(modules.find((m) => m.name === 'model.layers.35.self_attn.v_proj')!.weights[0].shape).toEqual([1024, 2560]);
    expect(modules.find((m) => m.name === 'model.layers.35.self_attn.k_norm')!.weights[0].shape).toEqual([128]);
    expect(modules.at(-1)!.weights[0].name).toBe('model.embed_tokens.weight');
  });
});

describe('Gemma 3 text modules', () => {
  it('registers the head norms, four layer norms, and a global and a local rotary_emb after model.norm', () => {
    expect(names(gemma3)).toEqual([
      'model.embed_tokens',
      ...LLAMA_ATTENTION,
      ...HEAD_NORMS,
      ...GATED_MLP,
      ...TWO_NORMS,
      'model.layers.0.pre_feedforward_layernorm',
      'model.layers.0.post_feedforward_layernorm',
      'model.norm',
      'model.rotary_emb',
      'model.rotary_emb_local',
      'lm_head',
    ]);
  });

  it('ties lm_head by default, as Gemma3TextConfig does, and reads the activation from hidden_activation', () => {
    expect(moduleOf(gemma3, 'lm_head').weights).toEqual([{ name: 'model.embed_tokens.weight', shape: [64, 16] }]);
    expect(moduleOf({ ...gemma3, tie_word_embeddings: false }, 'lm_head').weights[0].name).toBe('lm_head.weight');
    expect(moduleOf(gemma3, 'model.layers.0.mlp.act_fn').activation).toBe('gelu_pytorch_tanh');
    const { hidden_activation: _activation, ...noActivation } = gemma3;
    expect(moduleOf(noActivation as HfConfig, 'model.layers.0.mlp.act_fn').activation).toBe('gelu_pytorch_tanh');
  });

  it("costs the scaled embedding 1 FLOP, each norm 4 x o_proj's width, and the tanh GELU 0, by Olive's rules", () => {
    const rows = new Map(costTable(describeModules(gemma3), 'fp16').map((row) => [row.module, row]));
    expect(rows.get('model.embed_tokens')!.numFlops).toBe(1);
    expect(rows.get('model.layers.0.self_attn.q_norm')).toMatchObject({ numParams: 8, numFlops: 4 * 16 });
    expect(rows.get('model.layers.0.mlp.act_fn')!.numFlops).toBe(0);
    expect(rows.get('model.layers.0.post_feedforward_layernorm')!.numFlops).toBe(4 * 16);
    expect(rows.get('model.rotary_emb_local')).toEqual({ module: 'model.rotary_emb_local', numParams: 0, numBytes: 0, numFlops: 0 });
  });

  it('describes the published gemma-3-270m: 18 layers of 14 modules, 4 heads and 1 kv head of 256, tied', () => {
    const modules = describeModules(publishedConfig('gemma-3-270m'));
    expect(modules).toHaveLength(1 + 18 * 14 + 4);
    expect(modules.find((m) => m.name === 'model.layers.17.self_attn.q_proj')!.weights[0].shape).toEqual([1024, 640]);
    expect(modules.find((m) => m.name === 'model.layers.17.self_attn.k_proj')!.weights[0].shape).toEqual([256, 640]);
    expect(modules.find((m) => m.name === 'model.layers.17.mlp.down_proj')!.weights[0].shape).toEqual([640, 2048]);
    expect(modules.at(-1)!.weights[0].name).toBe('model.embed_tokens.weight');
  });
});

describe('SmolLM3 and Granite modules', () => {
  it.each([
    ['SmolLM3', smollm3],
    ['Granite', granite],
  ])("%s registers Llama's modules with one rotary_emb, on the model", (_family, config) => {
    expect(names(config)).toEqual(['model.embed_tokens', ...LLAMA_ATTENTION, ...GATED_MLP, ...TWO_NORMS, 'model.norm', 'model.rotary_emb', 'lm_head']);
  });

  it('ties SmolLM3 by default (SmolLM3Config) and Granite only when the config says so (GraniteConfig)', () => {
    expect(moduleOf(smollm3, 'lm_head').weights[0].name).toBe('model.embed_tokens.weight');
    const { tie_word_embeddings: _tie, ...graniteUntied } = granite;
    expect(moduleOf(graniteUntied as HfConfig, 'lm_head').weights[0].name).toBe('lm_head.weight');
  });

  it.each([
    ['SmolLM3', smollm3],
    ['Granite', granite],
  ])('%s gives the attention and the MLP biases when attention_bias and mlp_bias say so', (_family, config) => {
    const modules = describeModules({ ...config, attention_bias: true, mlp_bias: true });
    const withBias = modules.filter((module) => module.weights.some((weight) => weight.name.endsWith('.bias'))).map((module) => module.name);
    expect(withBias).toEqual([...LLAMA_ATTENTION, ...GATED_MLP.slice(0, 3)]);
  });

  it('describes the published SmolLM3-3B and granite-3.3-2b-instruct shapes', () => {
    const smol = describeModules(publishedConfig('SmolLM3-3B'));
    expect(smol).toHaveLength(1 + 36 * 10 + 3);
    expect(smol.find((m) => m.name === 'model.layers.3.self_attn.k_proj')!.weights[0].shape).toEqual([512, 2048]);
    const graniteModules = describeModules(publishedConfig('granite-3.3-2b-instruct'));
    expect(graniteModules).toHaveLength(1 + 40 * 10 + 3);
    expect(graniteModules[0].weights[0].shape).toEqual([49159, 2048]);
    expect(graniteModules.find((m) => m.name === 'model.layers.39.self_attn.k_proj')!.weights[0].shape).toEqual([512, 2048]);
  });
});

/** A checkpoint's tensors for Qwen3 / Gemma 3: the Llama tensors plus the head norms (and Gemma's two extra norms). */
function checkpointShapes(config: HfConfig, extraLayerNorms: readonly string[]): Map<string, number[]> {
  const tensors = new Map(checkpointTensors(config as never).map((tensor) => [tensor.name, [...tensor.shape]]));
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    tensors.set(`model.layers.${layer}.self_attn.q_norm.weight`, [config.head_dim!]);
    tensors.set(`model.layers.${layer}.self_attn.k_norm.weight`, [config.head_dim!]);
    for (const norm of extraLayerNorms) tensors.set(`model.layers.${layer}.${norm}.weight`, [config.hidden_size]);
  }
  return tensors;
}

describe('Qwen3 and Gemma 3 modules from checkpoint shapes', () => {
  const gemmaNorms = ['pre_feedforward_layernorm', 'post_feedforward_layernorm'];

  it('agree with config.json when the checkpoint holds every tensor', () => {
    expect(describeModules(qwen3, { source: 'ckpt', tensors: checkpointShapes(qwen3, []) })).toEqual(describeModules(qwen3));
    expect(describeModules(gemma3, { source: 'ckpt', tensors: checkpointShapes(gemma3, gemmaNorms) })).toEqual(describeModules(gemma3));
  });

  it('refuse a checkpoint without the head norms the family has', () => {
    const tensors = checkpointShapes(qwen3, []);
    tensors.delete('model.layers.0.self_attn.k_norm.weight');
    expect(() => describeModules(qwen3, { source: 'ckpt', tensors })).toThrow(
      "checkpoint ckpt has no tensor 'model.layers.0.self_attn.k_norm.weight' (config.json implies [8])",
    );
  });

  it('refuse head norms under a family that has none', () => {
    const llama = { ...qwen3, architectures: ['LlamaForCausalLM'], model_type: 'llama' };
    expect(() => describeModules(llama, { source: 'ckpt', tensors: checkpointShapes(qwen3, []) })).toThrow(
      "checkpoint ckpt has tensors that config.json does not describe: 'model.layers.0.self_attn.q_norm.weight', 'model.layers.0.self_attn.k_norm.weight'",
    );
  });
});
