/**
 * Run split sessions in order as a pipeline runtime does: each split is fed, by name, the tensors it reads from
 * the pool of the caller's inputs and every earlier split's outputs; its outputs join the pool.
 */
import type * as ort from 'onnxruntime-node';
import { OliveError } from '../errors.ts';

export async function runCascade(
  sessions: readonly ort.InferenceSession[],
  feeds: Record<string, ort.Tensor>,
  /** Sees the tensors each split is fed (memory measurement replays them in a child process). */
  onSplitFeeds?: (split: number, feeds: Record<string, ort.Tensor>) => void,
): Promise<Record<string, ort.Tensor>> {
  const pool: Record<string, ort.Tensor> = { ...feeds };
  for (const [split, session] of sessions.entries()) {
    const splitFeeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      const tensor = pool[name];
      if (!tensor) throw new OliveError(`split ${split} reads '${name}', which neither the inputs nor an earlier split provide`);
      splitFeeds[name] = tensor;
    }
    onSplitFeeds?.(split, splitFeeds);
    const outputs = await session.run(splitFeeds);
    for (const [name, value] of Object.entries(outputs)) pool[name] = value as ort.Tensor;
  }
  return pool;
}
