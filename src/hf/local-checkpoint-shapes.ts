import { existsSync } from 'node:fs';
import type { CheckpointShapes } from '../arch/types.ts';
import { listSafetensorsFiles, openCheckpoint } from './checkpoint.ts';

/** Shapes from a folder's safetensors headers; null when it has no safetensors, or (allowPartial) some shards are absent. */
export async function localCheckpointShapes(dir: string, source: string, allowPartial = false): Promise<CheckpointShapes | null> {
  const files = await listSafetensorsFiles(dir);
  if (files.length === 0) return null;
  if (allowPartial && !files.every((file) => existsSync(file))) return null;
  const checkpoint = await openCheckpoint(dir);
  const tensors = new Map<string, number[]>();
  for (const [name, info] of checkpoint.tensors) tensors.set(name, info.shape);
  return { source, tensors };
}
