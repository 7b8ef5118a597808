/**
 * Peak memory of each split, each measured in its own child process that loads the split and runs it on what it
 * was fed in the cascade's first step, set beside the plan's runtime estimate for that split.
 */
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { SplitPlan } from '../plan/types.ts';
import { measureChildMemory } from './measure-peak-rss.ts';
import { ortProviderName } from './open-session.ts';
import type { ExecutionProvider, Notes, SplitMemory } from './types.ts';

export interface SplitMemoryMeasurement {
  memory: SplitMemory[];
  /** Largest RSS a measuring child had before loading its split (Node, tsx, ONNX Runtime). */
  baseline: number;
  notes: Notes;
}

export async function measureSplitMemory(
  files: string[],
  feeds: Record<string, ort.Tensor>[],
  plan: SplitPlan | undefined,
  provider: ExecutionProvider,
): Promise<SplitMemoryMeasurement> {
  const memory: SplitMemory[] = [];
  const baselines: number[] = [];
  for (const [index, file] of files.entries()) {
    const measured = await measureChildMemory(file, ortProviderName(provider), feeds[index]);
    baselines.push(measured.baselineBytes);
    memory.push({ index, file: path.basename(file), peakRssBytes: measured.peakBytes, estimateBytes: plan?.splits[index]?.runtime_bytes });
  }
  const notes: Notes = {
    checked: [`peak RSS of each split loading and running the first step, each in its own child process on ${provider}`],
    notChecked: ['memory at full context length (the KV cache grows with it): that is in the estimate, not in the measurement'],
  };
  if (provider !== 'CPUExecutionProvider') notes.notChecked.push(`accelerator memory on ${provider}: RSS counts host memory only`);
  return { memory, baseline: Math.max(...baselines), notes };
}
