import { describe, expect, it } from 'vitest';
import type { CostRow } from '../../src/cost/types.ts';
import { planUnits } from '../../src/plan/plan-units.ts';

const row = (module: string, numBytes: number, numFlops = 0): CostRow => ({ module, numParams: numBytes / 2, numBytes, numFlops });

const table: CostRow[] = [
  row('model.embed_tokens', 100, 1),
  row('model.embed_dropout', 0),
  row('model.layers.0.self_attn.rotary_emb', 0),
  row('model.layers.0.self_attn.qkv_proj', 30, 30),
  row('model.layers.0.mlp.act_fn', 0, 6),
  row('model.layers.0.mlp.down_proj', 20, 20),
  row('model.layers.1.self_attn.qkv_proj', 30, 30),
  row('model.layers.1.mlp.down_proj', 20, 20),
  row('model.norm', 4, 8),
  row('model.rotary_emb', 0),
  row('lm_head', 100, 100),
];

describe('planUnits', () => {
  it("'module': a unit per weighted module; parameterless ones join their layer's neighbour or the first unit", () => {
    const units = planUnits(table, 'module');
    expect(units.map((unit) => unit.modules)).toEqual([
      ['model.embed_tokens', 'model.embed_dropout', 'model.rotary_emb'],
      ['model.layers.0.self_attn.rotary_emb', 'model.layers.0.self_attn.qkv_proj', 'model.layers.0.mlp.act_fn'],
      ['model.layers.0.mlp.down_proj'],
      ['model.layers.1.self_attn.qkv_proj'],
      ['model.layers.1.mlp.down_proj'],
      ['model.norm'],
      ['lm_head'],
    ]);
    expect(units[1]).toMatchObject({ label: 'model.layers.0.self_attn.qkv_proj', weightBytes: 30, flops: 36, layer: 0, role: 'layer' });
    expect(units.map((unit) => unit.role)).toEqual(['hidden', 'layer', 'layer', 'layer', 'layer', 'hidden', 'logits']);
  });

  it("'layer': what comes before the stack, each layer named whole, what comes after", () => {
    const units = planUnits(table, 'layer');
    expect(units.map((unit) => unit.modules)).toEqual([
      ['model.embed_tokens', 'model.embed_dropout', 'model.rotary_emb'],
      ['model.layers.0'],
      ['model.layers.1'],
      ['model.norm', 'lm_head'],
    ]);
    expect(units.map((unit) => unit.weightBytes)).toEqual([100, 50, 50, 104]);
    expect(units[3]).toMatchObject({ label: 'model.norm … lm_head', role: 'logits', layer: null });
  });

  it("'row': one unit per row, as Olive decides", () => {
    expect(planUnits(table, 'row')).toHaveLength(table.length);
  });

  it('counts a half byte of int4 as a whole byte', () => {
    expect(planUnits([row('model.layers.0.mlp.down_proj', 4.5)], 'module')[0].weightBytes).toBe(5);
  });
});
