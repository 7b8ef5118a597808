/**
 * Run split sessions in order as a pipeline runtime does: each split is fed, by name, the tensors it reads from
 * the pool of the caller's inputs and every earlier split's outputs; its outputs join the pool.
 */
import type * as ort from 'onnxruntime-node';
import { OliveError } from '../errors.ts';

export type TensorPool = Record<string, ort.Tensor>;

export async function runCascade(
  sessions: readonly ort.InferenceSession[],
  feeds: TensorPool,
  /** Sees the tensors each split is fed (memory measurement replays them in a child process). */
  onSplitFeeds?: (split: number, feeds: TensorPool) => void,
): Promise<TensorPool> {
  const pool: TensorPool = { ...feeds };
  for (const [split, session] of sessions.entries()) {
    const splitFeeds = routeFeeds(split, session.inputNames, pool);
    onSplitFeeds?.(split, splitFeeds);
    Object.assign(pool, await session.run(splitFeeds));
  }
  return pool;
}

/** The tensors split `split` reads, taken by name from the pool. */
export function routeFeeds(split: number, inputNames: readonly string[], pool: TensorPool): TensorPool {
  const feeds: TensorPool = {};
  for (const name of inputNames) {
    const tensor = pool[name];
    if (!tensor) throw new OliveError(`split ${split} reads '${name}', which neither the inputs nor an earlier split provide`);
    feeds[name] = tensor;
  }
  return feeds;
}
