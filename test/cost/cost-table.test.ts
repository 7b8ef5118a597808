import { describe, expect, it } from 'vitest';
import { describeModules } from '../../src/arch/describe-modules.ts';
import { costTable } from '../../src/cost/cost-table.ts';
import { formatCostCsv } from '../../src/cost/format-cost-csv.ts';
import { totalBytes } from '../../src/cost/total-bytes.ts';
import { weightBytes } from '../../src/cost/weight-bytes.ts';
import type { HfConfig } from '../../src/hf/config.ts';

const tiny: HfConfig = {
  architectures: ['LlamaForCausalLM'],
  vocab_size: 10,
  hidden_size: 6,
  intermediate_size: 9,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
};

describe('costTable', () => {
  it("applies Olive's FLOP rules with hidden = last Linear's out_features", () => {
    const rows = costTable(describeModules(tiny), 'fp16');
    const byName = new Map(rows.map((row) => [row.module, row]));
    expect(byName.get('model.embed_tokens')).toEqual({ module: 'model.embed_tokens', numParams: 60, numBytes: 120, numFlops: 1 });
    expect(byName.get('model.layers.0.self_attn.k_proj')).toEqual({ module: 'model.layers.0.self_attn.k_proj', numParams: 18, numBytes: 36, numFlops: 36 });
    expect(byName.get('model.layers.0.self_attn.rotary_emb')!.numFlops).toBe(0);
    // act_fn follows down_proj (out 6), not up_proj (out 9)
    expect(byName.get('model.layers.0.mlp.act_fn')!.numFlops).toBe(6 * 6);
    expect(byName.get('model.layers.0.input_layernorm')).toMatchObject({ numParams: 6, numFlops: 4 * 6 });
    expect(byName.get('model.rotary_emb')!.numFlops).toBe(0);
    expect(byName.get('lm_head')!.numFlops).toBe(2 * 60);
  });

  it('counts no FLOPs for an activation other than SiLU, as Olive does', () => {
    const rows = costTable(describeModules({ ...tiny, hidden_act: 'gelu' }), 'fp16');
    expect(rows.find((row) => row.module.endsWith('act_fn'))!.numFlops).toBe(0);
  });

  it('rounds int4 bytes up to whole bytes per row', () => {
    expect(weightBytes(6, 'int4')).toBe(3);
    expect(weightBytes(7, 'int4')).toBe(4);
    const rows = costTable(describeModules({ ...tiny, hidden_size: 3, num_attention_heads: 1, num_key_value_heads: 1 }), 'int4');
    expect(rows.find((row) => row.module === 'model.norm')).toMatchObject({ numParams: 3, numBytes: 2 });
    expect(rows.every((row) => Number.isInteger(row.numBytes))).toBe(true);
  });

  it.each([
    ['fp32', 4],
    ['bf16', 2],
    ['int8', 1],
    ['fp8', 1],
  ] as const)('%s weighs %d bytes per parameter', (precision, bytes) => {
    const rows = costTable(describeModules(tiny), precision);
    expect(totalBytes(rows)).toBe(rows.reduce((sum, row) => sum + row.numParams, 0) * bytes);
  });
});

describe('formatCostCsv', () => {
  it("writes Olive's header, plain integers and a final newline", () => {
    const text = formatCostCsv([{ module: 'lm_head', numParams: 131072000, numBytes: 262144000, numFlops: 262144000 }]);
    expect(text).toBe('module,num_params,num_bytes,num_flops\nlm_head,131072000,262144000,262144000\n');
  });
});
