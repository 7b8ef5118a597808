import { describe, expect, it } from 'vitest';
import { describeModules } from '../../src/arch/describe-modules.ts';
import { checkCostTableMatchesModel } from '../../src/cost/check-cost-table.ts';
import { costTable } from '../../src/cost/cost-table.ts';
import type { HfConfig } from '../../src/hf/config.ts';

const tiny: HfConfig = {
  architectures: ['LlamaForCausalLM'],
  vocab_size: 10,
  hidden_size: 6,
  intermediate_size: 9,
  num_hidden_layers: 2,
  num_attention_heads: 2,
};

describe('checkCostTableMatchesModel', () => {
  const modules = describeModules(tiny);
  const rows = costTable(modules, 'fp16');

  it('accepts the table of the model', () => {
    expect(() => checkCostTableMatchesModel(rows, modules)).not.toThrow();
  });

  it('names missing and unknown modules', () => {
    const otherModel = describeModules({ ...tiny, num_hidden_layers: 3 });
    expect(() => checkCostTableMatchesModel(rows, otherModel, 'table.csv')).toThrow(
      "table.csv does not match the model: no row for 'model.layers.2.self_attn.q_proj', 'model.layers.2.self_attn.k_proj', 'model.layers.2.self_attn.v_proj' and 8 more",
    );
    const phi3 = describeModules({ ...tiny, architectures: ['Phi3ForCausalLM'] });
    expect(() => checkCostTableMatchesModel(rows, phi3)).toThrow(/rows for modules the model lacks: 'model.layers.0.self_attn.q_proj'/);
  });

  it('refuses a table of another size with the same module names', () => {
    const wider = describeModules({ ...tiny, intermediate_size: 12 });
    expect(() => checkCostTableMatchesModel(rows, wider)).toThrow(
      "cost table does not match the model: 'model.layers.0.mlp.gate_proj' has num_params 54, the model has 72",
    );
  });

  it('refuses rows out of module order', () => {
    const swapped = [rows[1], rows[0], ...rows.slice(2)];
    expect(() => checkCostTableMatchesModel(swapped, modules)).toThrow(
      "cost table is not in the model's module order: row 1 is 'model.layers.0.self_attn.q_proj', expected 'model.embed_tokens'",
    );
  });
});
