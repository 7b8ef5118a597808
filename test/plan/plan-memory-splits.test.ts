import { describe, expect, it } from 'vitest';
import type { CostRow } from '../../src/cost/types.ts';
import { OliveError, UsageError } from '../../src/errors.ts';
import { inDataflowOrder } from '../../src/plan/dataflow-order.ts';
import { layerOf } from '../../src/plan/layer-of.ts';
import { planMemorySplits } from '../../src/plan/plan-memory-splits.ts';
import type { SplitPlan } from '../../src/plan/types.ts';
import { readOliveTable, RUNTIME_MODELS, splitOfModule, type OliveModel } from './olive-tables.ts';

const GB = 1_000_000_000;
const phiRows = readOliveTable('Phi-3.5-mini');
const phi = RUNTIME_MODELS['Phi-3.5-mini'];

/** Olive's cost-model loop, transcribed from its Python (REFERENCE §3): module → split. */
function oliveAssignments(rows: readonly CostRow[], memory: number): Map<string, number> {
  const assignments = new Map<string, number>();
  let split = 0;
  let splitBytes = 0;
  let memoryBound = false;
  for (const row of rows) {
    if (row.module.toLowerCase().endsWith('dropout')) continue;
    const current = row.numParams > row.numFlops && row.numFlops > 0;
    if (assignments.size > 0 && (memoryBound !== current || splitBytes + row.numBytes > memory)) {
      split += 1;
      splitBytes = 0;
    }
    assignments.set(row.module, split);
    splitBytes += row.numBytes;
    memoryBound = current;
  }
  return assignments;
}

/** Straightforward O(n² k) dynamic programs over the rows' bytes: the least largest part, then the greatest smallest. */
function optimalParts(bytes: readonly number[], parts: number): { largest: number; smallest: number } {
  const prefix = [0];
  for (const value of bytes) prefix.push(prefix.at(-1)! + value);
  const n = bytes.length;
  const table = (combine: (best: number, prior: number, part: number) => number, initial: number, allowed: (part: number) => boolean) => {
    let row = Array<number>(n + 1).fill(Number.NaN);
    row[0] = initial;
    for (let j = 1; j <= parts; j++) {
      const next = Array<number>(n + 1).fill(Number.NaN);
      for (let i = 1; i <= n; i++) {
        for (let p = 0; p < i; p++) {
          const part = prefix[i] - prefix[p];
          if (Number.isNaN(row[p]) || !allowed(part)) continue;
          next[i] = combine(next[i], row[p], part);
        }
      }
      row = next;
    }
    return row[n];
  };
  const largest = table((best, prior, part) => (Number.isNaN(best) ? Math.max(prior, part) : Math.min(best, Math.max(prior, part))), 0, () => true);
  const smallest = table(
    (best, prior, part) => (Number.isNaN(best) ? Math.min(prior, part) : Math.max(best, Math.min(prior, part))),
    Number.POSITIVE_INFINITY,
    (part) => part <= largest,
  );
  return { largest, smallest };
}

function expectEveryRowPlacedOnce(plan: SplitPlan, rows: readonly CostRow[]): void {
  const entries = plan.splits.flatMap((split) => split.modules);
  expect(new Set(entries).size).toBe(entries.length);
  for (const row of rows) expect(splitOfModule(plan, row.module), row.module).toBeDefined();
  expect(plan.splits.reduce((sum, split) => sum + split.weight_bytes, 0)).toBe(rows.reduce((sum, row) => sum + row.numBytes, 0));
}

describe("planMemorySplits, strategy 'olive': Olive's greedy pass exactly", () => {
  it('gives Phi-3.5-mini at 2GB five splits, the embedding alone first', () => {
    const plan = planMemorySplits(phiRows, 2 * GB, { strategy: 'olive', model: phi });
    expect(plan.splits).toHaveLength(5);
    expect(plan.splits[0].modules).toEqual(['model.embed_tokens']);
    expect(plan.splits[0].layers).toBeNull();
    expect(splitOfModule(plan, 'lm_head')).toBe(4);
    for (const split of plan.splits) expect(split.weight_bytes).toBeLessThanOrEqual(2 * GB);
  });

  it.each<[OliveModel, number[]]>([
    ['Phi-3.5-mini', [1, 2, 3.3, 8]],
    ['Phi-3-mini', [2]],
    ['Llama-2-7B', [1, 2, 4.5]],
    ['Llama-2-13B', [1, 3, 7]],
    ['Llama-3.1-8B', [1.1, 2, 5]],
  ])('%s: every module in the split Olive gives it, at %j GB', (name, budgets) => {
    const rows = readOliveTable(name);
    for (const budget of budgets) {
      const plan = planMemorySplits(rows, budget * GB, { strategy: 'olive', model: RUNTIME_MODELS[name] });
      const expected = oliveAssignments(rows, budget * GB);
      expect(plan.splits).toHaveLength(Math.max(...expected.values()) + 1);
      for (const [module, split] of expected) expect(splitOfModule(plan, module), module).toBe(split);
      // Olive leaves dropout rows out (split/ places their nodes by propagation)
      const placed = rows.filter((row) => !row.module.endsWith('dropout'));
      expectEveryRowPlacedOnce(plan, placed);
    }
  });

  it('refuses layer granularity and runtime budgets, which Olive does not have', () => {
    expect(() => planMemorySplits(phiRows, 2 * GB, { strategy: 'olive', granularity: 'layer', model: phi })).toThrow(UsageError);
    expect(() => planMemorySplits(phiRows, 2 * GB, { strategy: 'olive', budgetCovers: 'runtime', model: phi })).toThrow(
      /--split-strategy olive counts weights only/,
    );
  });
});

describe("planMemorySplits, strategy 'balanced'", () => {
  it('gives Phi-3.5-mini at 2GB four splits, the largest as small as any 4-split plan makes it and the smallest as large', () => {
    const plan = planMemorySplits(phiRows, 2 * GB, { model: phi });
    expect(plan).toMatchObject({ method: 'memory', strategy: 'balanced', granularity: 'module', budget_bytes: 2 * GB, budget_covers: 'weights' });
    expect(plan.splits).toHaveLength(4);
    const weights = plan.splits.map((split) => split.weight_bytes);
    // the plan cuts the rows in data-flow order (dataflow-order.ts), so the optimum is over that sequence
    const optimum = optimalParts(inDataflowOrder(phiRows).map((row) => row.numBytes), 4);
    expect(Math.max(...weights)).toBe(optimum.largest);
    expect(Math.min(...weights)).toBe(optimum.smallest);
    expect(optimum.largest).toBeLessThan(2 * GB);
    expectEveryRowPlacedOnce(plan, phiRows);
  });

  it('cannot do with fewer splits: three splits would need more than 2GB each', () => {
    expect(optimalParts(phiRows.map((row) => row.numBytes), 3).largest).toBeGreaterThan(2 * GB);
  });

  it('keeps the shared rotary table of Llama with the first split, not with its neighbour model.norm', () => {
    const rows = readOliveTable('Llama-3.1-8B');
    const plan = planMemorySplits(rows, 3 * GB, { model: RUNTIME_MODELS['Llama-3.1-8B'] });
    expect(splitOfModule(plan, 'model.rotary_emb')).toBe(0);
    expect(plan.splits[0].modules).toContain('model.rotary_emb');
    expectEveryRowPlacedOnce(plan, rows);
  });

  it('keeps parameterless modules inside a layer with their neighbours', () => {
    const plan = planMemorySplits(phiRows, 0.5 * GB, { model: phi });
    for (let layer = 0; layer < 32; layer++) {
      const split = (leaf: string) => splitOfModule(plan, `model.layers.${layer}.${leaf}`);
      expect(split('self_attn.rotary_emb')).toBe(split('self_attn.qkv_proj'));
      expect(split('mlp.activation_fn')).toBe(split('mlp.gate_up_proj'));
    }
  });

  it('cuts inside a layer only along the data flow, so no module waits on a later split', () => {
    for (const [name, budgets, flow] of [
      ['Phi-3.5-mini', [0.3, 0.7, 2], ['input_layernorm', 'self_attn.qkv_proj', 'self_attn.o_proj', 'post_attention_layernorm', 'mlp.gate_up_proj', 'mlp.down_proj']],
      ['Llama-3.1-8B', [1.1, 1.5, 3], ['input_layernorm', 'self_attn.v_proj', 'self_attn.o_proj', 'post_attention_layernorm', 'mlp.up_proj', 'mlp.down_proj']],
    ] as const) {
      const model = RUNTIME_MODELS[name];
      for (const budget of budgets) {
        const plan = planMemorySplits(readOliveTable(name), budget * GB, { model });
        for (let layer = 0; layer < model.numLayers; layer++) {
          const splits = flow.map((leaf) => splitOfModule(plan, `model.layers.${layer}.${leaf}`)!);
          expect(splits, `${name} layer ${layer} at ${budget}GB`).toEqual([...splits].sort((a, b) => a - b));
        }
      }
    }
  });

  it('with layer granularity cuts only between layers: five splits for Phi-3.5-mini at 2GB', () => {
    const plan = planMemorySplits(phiRows, 2 * GB, { granularity: 'layer', model: phi });
    expect(plan.splits).toHaveLength(5);
    for (const split of plan.splits) {
      expect(split.weight_bytes).toBeLessThanOrEqual(2 * GB);
      for (const module of split.modules) {
        const layer = layerOf(module);
        if (layer) expect(module).toBe(layer.layerModule);
      }
    }
    expect(splitOfModule(plan, 'model.embed_tokens')).toBe(0);
    expect(splitOfModule(plan, 'lm_head')).toBe(4);
    expectEveryRowPlacedOnce(plan, phiRows);
    // 4 splits of whole layers: the largest would hold 8 of the 32 layers plus a neighbour, over 2GB
    expect(8 * 226_504_704 + 197_001_216).toBeGreaterThan(2 * GB);
  });

  it('with a runtime budget every split fits weights, KV cache and activations', () => {
    const plan = planMemorySplits(phiRows, 2 * GB, { budgetCovers: 'runtime', model: phi });
    const byWeights = planMemorySplits(phiRows, 2 * GB, { model: phi });
    expect(plan.splits.length).toBeGreaterThan(byWeights.splits.length);
    for (const split of plan.splits) {
      const running = split.loaded_weight_bytes + split.kv_cache_bytes + split.activation_bytes;
      expect(split.runtime_bytes).toBe(Math.max(split.loaded_weight_bytes + split.load_transient_bytes, running));
      expect(split.runtime_bytes).toBeLessThanOrEqual(2 * GB);
    }
    // lm_head's logits for 4096 tokens may leave it a split of its own
    const layers = plan.splits.flatMap((split) => (split.layers ? [split.layers] : []));
    expect(layers[0][0]).toBe(0);
    expect(layers.at(-1)![1]).toBe(31);
  });
});

describe('planMemorySplits errors', () => {
  it('names the module over the budget, its size and the smallest budget that works', () => {
    expect(() => planMemorySplits(phiRows, 150_000_000, { model: phi })).toThrow(
      "module 'model.embed_tokens' needs 197.00 MB of weights, more than the 150.00 MB budget: the smallest budget that works is 197.00 MB (197001216 bytes)",
    );
    expect(() => planMemorySplits(phiRows, 150_000_000, { strategy: 'olive', model: phi })).toThrow(/the smallest budget that works is 197.00 MB/);
  });

  it('with layer granularity names the largest layer group', () => {
    expect(() => planMemorySplits(phiRows, 200_000_000, { granularity: 'layer', model: phi })).toThrow(
      "layer group 'model.layers.0' needs 226.50 MB of weights, more than the 200.00 MB budget: the smallest budget that works is 226.50 MB (226504704 bytes)",
    );
  });

  it('with a runtime budget points at the context length', () => {
    const longContext = { ...phi, contextLength: 131072 };
    expect(() => planMemorySplits(phiRows, 2 * GB, { budgetCovers: 'runtime', model: longContext })).toThrow(
      /needs .* at run time \(ONNX Runtime's overhead, weights as loaded, KV cache and activations for 131072 tokens; a shorter --context-length needs less\)/,
    );
  });

  it('refuses a table lacking the model’s layers', () => {
    const truncated = phiRows.filter((row) => (layerOf(row.module)?.index ?? 0) < 24);
    expect(() => planMemorySplits(truncated, 2 * GB, { model: phi })).toThrow(
      'cost table covers 24 decoder layers (model.layers.0..model.layers.23) but the model has 32: was the table made for another model?',
    );
    const holed = phiRows.filter((row) => !row.module.startsWith('model.layers.5.'));
    expect(() => planMemorySplits(holed, 2 * GB, { model: phi })).toThrow(/row 'model.layers.6.self_attn.o_proj' comes where 'model.layers.5' should/);
  });

  it('refuses tables that cannot be planned', () => {
    expect(() => planMemorySplits([], GB, { model: phi })).toThrow('cost table has no rows');
    const doubled = [...phiRows, phiRows[0]];
    expect(() => planMemorySplits(doubled, GB, { model: phi })).toThrow("cost table lists module 'model.embed_tokens' twice");
    const negative = phiRows.map((row, i) => (i === 3 ? { ...row, numBytes: -1 } : row));
    expect(() => planMemorySplits(negative, GB, { model: phi })).toThrow(/'model.layers.0.self_attn.qkv_proj' has num_bytes -1/);
    const interleaved = [...phiRows.slice(0, 5), { module: 'model.norm0', numParams: 1, numBytes: 2, numFlops: 4 }, ...phiRows.slice(5)];
    expect(() => planMemorySplits(interleaved, GB, { model: phi })).toThrow(/'model.norm0' sits between decoder layers/);
    expect(() => planMemorySplits(phiRows, 0, { model: phi })).toThrow(OliveError);
  });
});
