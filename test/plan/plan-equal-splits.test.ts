import { describe, expect, it } from 'vitest';
import { planEqualSplits } from '../../src/plan/plan-equal-splits.ts';
import { readOliveTable, RUNTIME_MODELS, splitOfModule } from './olive-tables.ts';

const layerCounts = (plan: ReturnType<typeof planEqualSplits>) => plan.splits.map((split) => split.layers![1] - split.layers![0] + 1);

describe('planEqualSplits: numpy array_split of the layers, as Olive', () => {
  // numpy.array_split(range(L), N) section lengths
  it.each([
    [32, 1, [32]],
    [32, 2, [16, 16]],
    [32, 3, [11, 11, 10]],
    [32, 5, [7, 7, 6, 6, 6]],
    [40, 3, [14, 13, 13]],
    [40, 7, [6, 6, 6, 6, 6, 5, 5]],
    [32, 32, Array(32).fill(1)],
  ])('%d layers in %d splits: %j', (numLayers, numSplits, expected) => {
    const plan = planEqualSplits(numLayers, numSplits);
    expect(layerCounts(plan)).toEqual(expected);
    expect(plan.splits.map((split) => split.index)).toEqual(expected.map((_, i) => i));
    expect(plan.splits.flatMap((split) => split.modules)).toEqual(Array.from({ length: numLayers }, (_, i) => `model.layers.${i}`));
    expect(plan.costs_known).toBe(false);
  });

  it('uses the layer stack it is given', () => {
    expect(planEqualSplits(4, 2, { layerStack: 'transformer.h' }).splits[1].modules).toEqual(['transformer.h.2', 'transformer.h.3']);
  });

  it.each(['Phi-3.5-mini', 'Llama-2-7B', 'Llama-2-13B', 'Llama-3.1-8B'] as const)(
    '%s: weights follow the layers, embedding first, head last, shared rotary with the first',
    (name) => {
      const rows = readOliveTable(name);
      const model = RUNTIME_MODELS[name];
      for (const numSplits of [2, 3, 4, 7]) {
        const plan = planEqualSplits(model.numLayers, numSplits, { rows, model });
        const last = plan.splits.length - 1;
        expect(plan.splits).toHaveLength(numSplits);
        expect(splitOfModule(plan, 'model.embed_tokens')).toBe(0);
        expect(splitOfModule(plan, 'lm_head')).toBe(last);
        expect(splitOfModule(plan, 'model.norm')).toBe(last);
        if (rows.some((row) => row.module === 'model.rotary_emb')) expect(splitOfModule(plan, 'model.rotary_emb')).toBe(0);
        for (const row of rows) expect(splitOfModule(plan, row.module)).toBeDefined();
        const total = rows.reduce((sum, row) => sum + row.numBytes, 0);
        expect(plan.splits.reduce((sum, split) => sum + split.weight_bytes, 0)).toBe(total);
      }
    },
  );

  it('sizes each split from the table and the runtime model', () => {
    const model = RUNTIME_MODELS['Phi-3.5-mini'];
    const plan = planEqualSplits(32, 2, { rows: readOliveTable('Phi-3.5-mini'), model });
    const layerBytes = 226_504_704;
    const embeddingBytes = 197_001_216;
    expect(plan.splits[0].weight_bytes).toBe(embeddingBytes + 16 * layerBytes);
    expect(plan.splits[1].weight_bytes).toBe(16 * layerBytes + 6144 + embeddingBytes);
    const kvPerLayer = 2 * 32 * 96 * 4096 * 2;
    expect(plan.splits[0].kv_cache_bytes).toBe(16 * kvPerLayer);
    // fp16 on CPU computes in fp32: per token q/k/v and GroupQueryAttention's copy ((32 + 2 × 32 heads) × 96 each),
    // gate, up, product and Phi-3's fused gate_up output (5 × 8192), six hidden-width tensors, at 4 bytes
    const layerPerToken = (2 * (32 + 2 * 32) * 96 + 5 * 8192 + 6 * 3072) * 4;
    // outputs made in fp32, then held twice in fp16 (ONNX Runtime's and the JavaScript copy); the KV cache's copy too
    expect(plan.splits[0].activation_bytes).toBe(4096 * layerPerToken + 4096 * 3072 * (4 + 2 * 2) + 16 * kvPerLayer);
    expect(plan.splits[1].activation_bytes).toBe(4096 * layerPerToken + 4096 * 32064 * (4 + 2 * 2) + 16 * kvPerLayer);
    // fp16 MatMul weights (a layer less its two 3072-wide fp16 norms) are cast to fp32 and packed (2×) on CPU;
    // the norms are loaded as they are
    const normBytes = 2 * 3072 * 2;
    expect(plan.splits[1].loaded_weight_bytes).toBe(2 * (16 * (layerBytes - normBytes) + embeddingBytes) + 16 * normBytes + 6144);
    expect(plan.splits[1].holds_logits).toBe(true);
    expect(plan.splits[1].runtime_bytes).toBe(plan.splits[1].loaded_weight_bytes + 16 * kvPerLayer + plan.splits[1].activation_bytes);
    expect(plan.context_length).toBe(4096);
  });

  it.each([0, -1, 33, 2.5, Number.NaN])('refuses %d splits of 32 layers, naming --num-splits', (numSplits) => {
    expect(() => planEqualSplits(32, numSplits)).toThrow(/^--num-splits must be a whole number from 1 to 32 \(the model's decoder layers; each split needs one\)/);
  });

  it('refuses a cost table for another model', () => {
    expect(() => planEqualSplits(40, 2, { rows: readOliveTable('Phi-3.5-mini') })).toThrow(
      'cost table covers 32 decoder layers (model.layers.0..model.layers.31) but the model has 40: was the table made for another model?',
    );
  });
});
