import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeModules } from '../../src/arch/describe-modules.ts';
import type { HfConfig } from '../../src/hf/config.ts';
import { checkpointTensors } from '../fixtures-hub/checkpoint-tensors.ts';

const COST_MODELS = path.join(import.meta.dirname, '..', '..', 'cost-models');

function publishedConfig(name: string): HfConfig {
  return JSON.parse(readFileSync(path.join(COST_MODELS, name, 'config.json'), 'utf8')) as HfConfig;
}

const tiny: HfConfig = {
  architectures: ['Qwen2ForCausalLM'],
  vocab_size: 64,
  hidden_size: 16,
  intermediate_size: 24,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  tie_word_embeddings: true,
};

function shapesOf(config: HfConfig): Map<string, number[]> {
  return new Map(checkpointTensors(config as never).map((t) => [t.name, [...t.shape]]));
}

describe('describeModules', () => {
  it('lists the Llama-family modules in registration order', () => {
    const names = describeModules({ ...tiny, architectures: ['LlamaForCausalLM'], num_hidden_layers: 1 }).map((m) => m.name);
    expect(names).toEqual([
      'model.embed_tokens',
      'model.layers.0.self_attn.q_proj',
      'model.layers.0.self_attn.k_proj',
      'model.layers.0.self_attn.v_proj',
      'model.layers.0.self_attn.o_proj',
      'model.layers.0.self_attn.rotary_emb',
      'model.layers.0.mlp.gate_proj',
      'model.layers.0.mlp.up_proj',
      'model.layers.0.mlp.down_proj',
      'model.layers.0.mlp.act_fn',
      'model.layers.0.input_layernorm',
      'model.layers.0.post_attention_layernorm',
      'model.norm',
      'model.rotary_emb',
      'lm_head',
    ]);
  });

  it('gives Qwen2 q/k/v biases and a tied lm_head holding the embedding tensor', () => {
    const modules = describeModules(tiny);
    const k = modules.find((m) => m.name === 'model.layers.1.self_attn.k_proj')!;
    expect(k.weights).toEqual([
      { name: 'model.layers.1.self_attn.k_proj.weight', shape: [8, 16] },
      { name: 'model.layers.1.self_attn.k_proj.bias', shape: [8] },
    ]);
    expect(k.params).toBe(8 * 16 + 8);
    expect(modules.find((m) => m.name === 'model.layers.1.self_attn.o_proj')!.weights).toHaveLength(1);
    const head = modules.at(-1)!;
    expect(head).toMatchObject({ name: 'lm_head', kind: 'linear', layer: null, params: 64 * 16 });
    expect(head.weights).toEqual([{ name: 'model.embed_tokens.weight', shape: [64, 16] }]);
  });

  it('describes Phi-4-mini (partial rotary, GQA, tied) with packed projections', () => {
    const modules = describeModules(publishedConfig('Phi-4-mini'));
    const qkv = modules.find((m) => m.name === 'model.layers.0.self_attn.qkv_proj')!;
    expect(qkv.weights[0].shape).toEqual([(24 + 2 * 8) * 128, 3072]);
    expect(modules.find((m) => m.name === 'model.layers.31.mlp.gate_up_proj')!.weights[0].shape).toEqual([16384, 3072]);
    expect(modules.filter((m) => m.kind === 'dropout')).toHaveLength(1 + 2 * 32);
  });

  it('takes shapes from the checkpoint when they agree with config.json', () => {
    const fromConfig = describeModules(tiny);
    const fromCheckpoint = describeModules(tiny, { source: 'ckpt', tensors: shapesOf(tiny) });
    expect(fromCheckpoint).toEqual(fromConfig);
  });

  it('ignores rotary inv_freq buffers and a stored copy of a tied lm_head', () => {
    const tensors = shapesOf(tiny);
    tensors.set('model.layers.0.self_attn.rotary_emb.inv_freq', [2]);
    tensors.set('lm_head.weight', [64, 16]);
    expect(() => describeModules(tiny, { source: 'ckpt', tensors })).not.toThrow();
  });

  it('refuses a checkpoint whose shape disagrees with config.json', () => {
    const tensors = shapesOf(tiny);
    tensors.set('model.layers.1.mlp.up_proj.weight', [32, 16]);
    expect(() => describeModules(tiny, { source: 'ckpt', tensors })).toThrow(
      "tensor 'model.layers.1.mlp.up_proj.weight' is [32,16] in checkpoint ckpt but config.json implies [24,16]",
    );
  });

  it('refuses a checkpoint that lacks a tensor the config implies', () => {
    const tensors = shapesOf(tiny);
    tensors.delete('model.layers.0.self_attn.q_proj.bias');
    expect(() => describeModules(tiny, { source: 'ckpt', tensors })).toThrow(
      "checkpoint ckpt has no tensor 'model.layers.0.self_attn.q_proj.bias' (config.json implies [16])",
    );
  });

  it('refuses checkpoint tensors no module accounts for', () => {
    const llama = { ...tiny, architectures: ['LlamaForCausalLM'] };
    const tensors = shapesOf(tiny); // Qwen2's biases under a Llama config without attention_bias
    expect(() => describeModules(llama, { source: 'ckpt', tensors })).toThrow(
      /checkpoint ckpt has tensors that config.json does not describe: 'model.layers.0.self_attn.k_proj.bias', .* and 3 more/,
    );
  });

  it('names the bad config field', () => {
    expect(() => describeModules({ ...tiny, num_key_value_heads: 3 })).toThrow(/num_attention_heads \(4\) is not a multiple of num_key_value_heads \(3\)/);
  });
});

describe('describeModules config checks', () => {
  it('refuses a head size that is not a whole number', () => {
    expect(() => describeModules({ ...tiny, hidden_size: 18 })).toThrow('config.json: head_dim must be a positive integer, got 4.5');
  });
});
