/**
 * The allocation estimate's settings as split_plan.json keeps them (snake_case, like the rest of the plan), and the
 * estimate of one planned split remade for another number of tokens: validation measures at most 4096 tokens and
 * sets the estimate for that same length beside the measurement.
 */
import { estimateLoadedSplit, type AllocationEstimate, type AllocationShape } from './ort-allocation.ts';
import { allocationShape } from './measure-segments.ts';
import type { CostRow } from '../cost/types.ts';
import type { PlanSplit, RuntimeModel, RuntimeSettings, SplitPlan } from './types.ts';

/** What the cost table tells the estimate beyond config.json: whether the projections are packed (Phi-3). */
export function withTableFacts(model: RuntimeModel, rows: readonly CostRow[]): RuntimeModel {
  if (model.fusedProjections !== undefined) return model;
  return { ...model, fusedProjections: rows.some((row) => /\.(qkv_proj|gate_up_proj)$/.test(row.module)) };
}

export const OVERHEAD_NOT_MEASURED = 'not measured (left out of the estimate)';

export function runtimeSettings(model: RuntimeModel): RuntimeSettings {
  const shape = allocationShape(model);
  return {
    provider: model.provider ?? 'CPUExecutionProvider',
    overhead_bytes: model.overheadBytes ?? 0,
    overhead_source: model.overheadSource ?? OVERHEAD_NOT_MEASURED,
    num_heads: shape.numHeads,
    num_kv_heads: shape.numKvHeads,
    head_dim: shape.headDim,
    hidden_size: shape.hiddenSize,
    intermediate_size: shape.intermediateSize,
    vocab_size: shape.vocabSize,
    io_bytes: shape.ioBytes,
    tied_embeddings: shape.tiedEmbeddings ?? false,
    fused_projections: shape.fusedProjections ?? false,
  };
}

function shapeOf(settings: RuntimeSettings): AllocationShape {
  return {
    numHeads: settings.num_heads,
    numKvHeads: settings.num_kv_heads,
    headDim: settings.head_dim,
    hiddenSize: settings.hidden_size,
    intermediateSize: settings.intermediate_size,
    vocabSize: settings.vocab_size,
    ioBytes: settings.io_bytes,
    tiedEmbeddings: settings.tied_embeddings,
    fusedProjections: settings.fused_projections,
  };
}

/** The estimate of a planned split for a prefill of `tokens` tokens; undefined when the plan has no runtime model. */
export function estimatePlannedSplit(plan: SplitPlan, split: PlanSplit, tokens: number): AllocationEstimate | undefined {
  const settings = plan.runtime;
  if (!settings || plan.costs_known === false) return undefined;
  const loaded = {
    loadedWeightBytes: split.loaded_weight_bytes,
    loadTransientBytes: split.load_transient_bytes,
    mappedTableBytes: split.embedding_table_bytes,
    kvLayers: split.layers ? split.layers[1] - split.layers[0] + 1 : 0,
    holdsLogits: split.holds_logits,
  };
  return estimateLoadedSplit(loaded, shapeOf(settings), { provider: settings.provider, tokens, overheadBytes: settings.overhead_bytes });
}
