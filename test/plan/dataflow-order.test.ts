import { describe, expect, it } from 'vitest';
import type { CostRow } from '../../src/cost/types.ts';
import { inDataflowOrder } from '../../src/plan/dataflow-order.ts';
import { readOliveTable } from './olive-tables.ts';

const names = (rows: readonly CostRow[]) => rows.map((row) => row.module);

describe('inDataflowOrder', () => {
  it('puts each Phi-3 layer in the order its data flows, leaving the rest of the table in place', () => {
    const rows = readOliveTable('Phi-3.5-mini');
    const ordered = names(inDataflowOrder(rows));
    expect(ordered.slice(0, 2)).toEqual(['model.embed_tokens', 'model.embed_dropout']);
    expect(ordered.slice(2, 12)).toEqual(
      [
        'input_layernorm', 'self_attn.qkv_proj', 'self_attn.rotary_emb', 'self_attn.o_proj', 'resid_attn_dropout',
        'post_attention_layernorm', 'mlp.gate_up_proj', 'mlp.activation_fn', 'mlp.down_proj', 'resid_mlp_dropout',
      ].map((leaf) => `model.layers.0.${leaf}`),
    );
    expect(ordered.slice(-2)).toEqual(['model.norm', 'lm_head']);
    expect([...ordered].sort()).toEqual(names(rows).sort());
  });

  it('keeps model.rotary_emb of Llama where the table has it and orders the layer', () => {
    const ordered = names(inDataflowOrder(readOliveTable('Llama-3.1-8B')));
    expect(ordered.slice(-3)).toEqual(['model.norm', 'model.rotary_emb', 'lm_head']);
    expect(ordered.slice(1, 12)).toEqual(
      [
        'input_layernorm', 'self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.rotary_emb', 'self_attn.o_proj',
        'post_attention_layernorm', 'mlp.gate_proj', 'mlp.up_proj', 'mlp.act_fn', 'mlp.down_proj',
      ].map((leaf) => `model.layers.0.${leaf}`),
    );
  });

  it('keeps a leaf of unknown name after the row it follows in the table', () => {
    const row = (module: string): CostRow => ({ module, numParams: 1, numBytes: 2, numFlops: 2 });
    const rows = ['model.layers.0.mlp.down_proj', 'model.layers.0.mlp.router', 'model.layers.0.input_layernorm'].map(row);
    expect(names(inDataflowOrder(rows))).toEqual(['model.layers.0.input_layernorm', 'model.layers.0.mlp.down_proj', 'model.layers.0.mlp.router']);
  });
});
