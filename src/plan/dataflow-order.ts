/**
 * The rows of each decoder layer in the order data flows through it, for plans that may cut inside a layer.
 * Tables list modules in registration order, where input_layernorm comes after the MLP; split/ moves every node to
 * the latest split among its producers, so a cut in registration order would drag the layer's early modules
 * into the later split and past the budget. In data-flow order a cut keeps every producer in an earlier split.
 * Leaves of unknown name keep their place after the row they follow in the table.
 */
import type { CostRow } from '../cost/types.ts';
import { layerOf } from './layer-of.ts';

/** Position of a leaf in a Llama/Mistral/Qwen/Phi-3/Gemma decoder layer. */
const STEP_OF_LEAF: Record<string, number> = {
  input_layernorm: 0,
  q_proj: 1,
  k_proj: 1,
  v_proj: 1,
  qkv_proj: 1,
  q_norm: 2,
  k_norm: 2,
  rotary_emb: 3,
  o_proj: 4,
  resid_attn_dropout: 5,
  post_attention_layernorm: 6,
  pre_feedforward_layernorm: 6,
  gate_proj: 7,
  up_proj: 7,
  gate_up_proj: 7,
  act_fn: 8,
  activation_fn: 8,
  down_proj: 9,
  post_feedforward_layernorm: 10,
  resid_mlp_dropout: 11,
};

export function inDataflowOrder(rows: readonly CostRow[]): CostRow[] {
  const steps = layerSteps(rows);
  const ordered: CostRow[] = [];
  let layerRun: number[] = [];
  const flushLayer = () => {
    layerRun.sort((a, b) => steps[a] - steps[b] || a - b);
    ordered.push(...layerRun.map((i) => rows[i]));
    layerRun = [];
  };
  rows.forEach((row, i) => {
    const layer = layerOf(row.module)?.layerModule;
    if (layerRun.length > 0 && layer !== layerOf(rows[layerRun[0]].module)?.layerModule) flushLayer();
    if (layer) layerRun.push(i);
    else ordered.push(row);
  });
  flushLayer();
  return ordered;
}

/** Each row's step; a row of unknown name takes the step of the row before it. */
function layerSteps(rows: readonly CostRow[]): number[] {
  const steps: number[] = [];
  rows.forEach((row, i) => {
    const leaf = row.module.slice(row.module.lastIndexOf('.') + 1);
    steps.push(STEP_OF_LEAF[leaf] ?? (i > 0 ? steps[i - 1] : 0));
  });
  return steps;
}
