import { describe, expect, it } from 'vitest';
import { formatPlanTable } from '../../src/plan/format-plan-table.ts';
import { planEqualSplits } from '../../src/plan/plan-equal-splits.ts';
import { planMemorySplits } from '../../src/plan/plan-memory-splits.ts';
import { planToJson } from '../../src/plan/plan-to-json.ts';
import { readOliveTable, RUNTIME_MODELS } from './olive-tables.ts';

const phiRows = readOliveTable('Phi-3.5-mini');
const phi = RUNTIME_MODELS['Phi-3.5-mini'];

describe('formatPlanTable', () => {
  it('prints one aligned row per split with human units, then the totals', () => {
    const plan = planMemorySplits(phiRows, 2e9, { strategy: 'olive', model: phi });
    const lines = formatPlanTable(plan).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'memory plan (olive, module granularity): 5 splits of 32 decoder layers, each within 2.00 GB of weights, runtime estimated for 4096 tokens',
    );
    expect(lines[1]).toMatch(/^split\s+layers\s+weights\s+KV cache\s+activations\s+runtime\s+FLOPs\/token\s+modules$/);
    expect(lines).toHaveLength(2 + 5 + 1);
    // fp16 on CPU: the table cast to fp32 (394 MB) and the hidden state made in fp32 then handed on twice (100.66 MB)
    expect(lines[2]).toMatch(/^0\s+none\s+197\.00 MB\s+0 B\s+100\.66 MB\s+494\.67 MB\s+1\s+model\.embed_tokens$/);
    expect(lines[3]).toMatch(/^1\s+0-8\s+1\.99 GB\s+452\.98 MB\s+1\.83 GB\s+6\.26 GB\s+1\.99 G\s+12: model\.layers\.0 \.\. model\.layers\.8\.mlp\.gate_up_proj$/);
    expect(lines.at(-1)).toMatch(/^total\s+7\.64 GB\s+1\.76 GB\s+7\.45 G\s+56 entries$/);
    const modulesColumn = lines[1].indexOf('modules');
    for (const line of lines.slice(1)) expect(line.slice(modulesColumn - 2, modulesColumn + 1)).toMatch(/^  \S$/);
  });

  it('shows unknown sizes as - when planned from the layer count alone', () => {
    const table = formatPlanTable(planEqualSplits(32, 2));
    expect(table.split('\n')[0]).toBe('equal plan (--num-splits): 2 splits of 32 decoder layers');
    expect(table).toMatch(/^0\s+0-15\s+-\s+-\s+-\s+-\s+-\s+16: model\.layers\.0 \.\. model\.layers\.15$/m);
  });
});

describe('planToJson', () => {
  it("writes the issue's document: splits first, each with its index, modules, layers and sizes", () => {
    const plan = planMemorySplits(phiRows, 2e9, { model: phi });
    const text = planToJson(plan);
    expect(text.endsWith('}\n')).toBe(true);
    const document = JSON.parse(text);
    expect(Object.keys(document)[0]).toBe('splits');
    expect(Object.keys(document.splits[0])).toEqual([
      'index', 'modules', 'layers', 'weight_bytes', 'runtime_bytes', 'loaded_weight_bytes', 'load_transient_bytes', 'embedding_table_bytes',
      'holds_logits', 'flops_per_token', 'kv_cache_bytes', 'activation_bytes',
    ]);
    expect(document.splits).toHaveLength(4);
    expect(document.splits[0].layers).toEqual([0, 7]);
    expect(document).toMatchObject({ method: 'memory', strategy: 'balanced', budget_bytes: 2e9, num_layers: 32, context_length: 4096 });
    expect(Object.keys(document.runtime).sort()).toEqual(
      ['fused_projections', 'head_dim', 'hidden_size', 'intermediate_size', 'io_bytes', 'num_heads', 'num_kv_heads', 'overhead_bytes', 'overhead_source', 'provider', 'tied_embeddings', 'vocab_size'],
    );
    const snakeCase = /^[a-z0-9]+(_[a-z0-9]+)*$/;
    for (const key of [...Object.keys(document), ...Object.keys(document.splits[0]), ...Object.keys(document.runtime)]) expect(key).toMatch(snakeCase);
    expect(document).toEqual(JSON.parse(JSON.stringify(plan)));
  });
});
