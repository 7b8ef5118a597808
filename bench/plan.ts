/**
 * Plan a synthetic 10,000-module cost table (a Phi-3-shaped stack of 1,000 decoder layers of 10 modules) with each
 * strategy and print the time each plan takes. `node bin/run-ts.js bench/plan.ts`.
 */
import type { CostRow } from '../src/cost/types.ts';
import { formatBytes } from '../src/format/bytes.ts';
import { planMemorySplits } from '../src/plan/plan-memory-splits.ts';
import type { MemoryPlanOptions, RuntimeModel } from '../src/plan/types.ts';
import { reportFigure } from './figures.ts';

const LAYERS = 1000;
// 1,000 layers of 10 modules, the embedding and the head: 10,003 rows.
const REPEATS = 5;

const LAYER_MODULES: [string, number][] = [
  ['self_attn.o_proj', 9_437_184],
  ['self_attn.qkv_proj', 28_311_552],
  ['self_attn.rotary_emb', 0],
  ['mlp.gate_up_proj', 50_331_648],
  ['mlp.down_proj', 25_165_824],
  ['mlp.activation_fn', 0],
  ['input_layernorm', 3072],
  ['resid_attn_dropout', 0],
  ['resid_mlp_dropout', 0],
  ['post_attention_layernorm', 3072],
];

function syntheticTable(): CostRow[] {
  const row = (module: string, numParams: number, numFlops = 2 * numParams): CostRow => ({ module, numParams, numBytes: 2 * numParams, numFlops });
  const layers = Array.from({ length: LAYERS }, (_, i) => LAYER_MODULES.map(([leaf, params]) => row(`model.layers.${i}.${leaf}`, params)));
  return [row('model.embed_tokens', 98_500_608, 1), ...layers.flat(), row('model.norm', 3072), row('lm_head', 98_500_608)];
}

const model: RuntimeModel = {
  numLayers: LAYERS, numKvHeads: 32, headDim: 96, hiddenSize: 3072, intermediateSize: 8192, vocabSize: 32064,
  contextLength: 4096, kvBytesPerElement: 2, activationBytesPerElement: 2,
};

const slowest = new Map<string, { ms: number; budget: number; splits: number }>();

function timePlan(rows: CostRow[], budget: number, options: MemoryPlanOptions): void {
  const times: number[] = [];
  let splits = 0;
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    splits = planMemorySplits(rows, budget, options).splits.length;
    times.push(performance.now() - start);
  }
  const label = `${options.strategy ?? 'balanced'}/${options.granularity ?? 'module'}/${options.budgetCovers ?? 'weights'}`;
  const best = Math.min(...times);
  if (best > (slowest.get(label)?.ms ?? -1)) slowest.set(label, { ms: best, budget, splits });
  console.log(`${label.padEnd(26)} budget ${formatBytes(budget).padStart(9)}: ${String(splits).padStart(4)} splits, best ${Math.min(...times).toFixed(1)} ms, first ${times[0].toFixed(1)} ms`);
}

const rows = syntheticTable();
console.log(`${rows.length} modules, ${formatBytes(rows.reduce((sum, row) => sum + row.numBytes, 0))} of weights, ${REPEATS} runs each`);
/**
 * At run time one Phi-3 layer's gate_up_proj needs 1.68 GB for 4096 tokens (weights as loaded, KV cache,
 * activations: src/plan/ort-allocation.ts), so runtime budgets start above that: a smaller one is refused.
 */
const WEIGHT_BUDGETS = [20e9, 2e9, 0.5e9];
const RUNTIME_BUDGETS = [20e9, 5e9, 2e9];
for (const budget of WEIGHT_BUDGETS) {
  timePlan(rows, budget, { strategy: 'balanced', model });
  timePlan(rows, budget, { strategy: 'olive', model });
  timePlan(rows, budget, { granularity: 'layer', model });
}
for (const budget of RUNTIME_BUDGETS) timePlan(rows, budget, { budgetCovers: 'runtime', model });
for (const [label, { ms, budget, splits }] of slowest) {
  reportFigure({ bench: 'plan', figure: `planner ${label}, ${rows.length} modules (slowest of 3 budgets: ${formatBytes(budget)}, ${splits} splits)`, value: `${ms.toFixed(1)} ms (best of ${REPEATS})` });
}
