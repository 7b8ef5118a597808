/** The checkpoint tensors a module tree holds, and the buffers a checkpoint may carry that hold no parameter. */
import type { ModuleSpec } from './types.ts';

/** Rotary inverse frequencies some exports saved (old Llama ones): recomputed from config.json, never read. */
export function isRecomputedBuffer(name: string): boolean {
  return name.endsWith('.rotary_emb.inv_freq');
}

/** Every parameter tensor by checkpoint name with its shape; a tied lm_head's embedding counts once. */
export function parameterTensors(modules: readonly ModuleSpec[]): Map<string, readonly number[]> {
  return new Map(modules.flatMap((module) => module.weights.map((weight) => [weight.name, weight.shape] as const)));
}
