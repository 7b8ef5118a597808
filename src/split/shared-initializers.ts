/** Initializers that several splits read: each of those splits gets a copy (tied embeddings, rotary caches). */
import type { TensorProto } from '../onnx/types.ts';
import { tensorByteLength } from '../onnx/tensor-size.ts';
import type { SharedInitializer, SplitCut } from './types.ts';

export function sharedInitializers(cuts: SplitCut[], initializers: TensorProto[]): SharedInitializer[] {
  const byName = new Map(initializers.map((tensor) => [tensor.name ?? '', tensor]));
  const splitsOf = new Map<string, number[]>();
  for (const cut of cuts) for (const name of cut.initializers) splitsOf.set(name, [...(splitsOf.get(name) ?? []), cut.index]);
  return [...splitsOf.entries()]
    .filter(([, splits]) => splits.length > 1)
    .map(([name, splits]) => ({ name, splits, bytes: byName.has(name) ? tensorByteLength(byName.get(name)!) : 0 }));
}

/** Bytes written beyond the first copy of each shared initializer. */
export function duplicatedBytes(shared: SharedInitializer[]): number {
  return shared.reduce((total, entry) => total + entry.bytes * (entry.splits.length - 1), 0);
}
