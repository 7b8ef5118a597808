/**
 * Peak memory of each split, each measured in its own child process that loads the split and runs it on what it
 * was fed in the cascade's memory run (a prefill of the measured length), set beside the plan's allocation
 * estimate for that same length. The runtime's fixed overhead (an empty session, measured once per machine) is
 * subtracted from the load peak to give the weights as loaded.
 */
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { estimatePlannedSplit } from '../plan/runtime-settings.ts';
import type { SplitPlan } from '../plan/types.ts';
import { measureChildMemory } from './measure-peak-rss.ts';
import { runtimeOverhead } from './measure-ort-overhead.ts';
import { ortProviderName } from './open-session.ts';
import type { ExecutionProvider, MemoryRun, Notes, SplitMemory } from './types.ts';

export interface SplitMemoryMeasurement {
  memory: SplitMemory[];
  /** Largest RSS a measuring child had before loading its split (Node, tsx, ONNX Runtime, the inputs). */
  baseline: number;
  overheadBytes: number;
  overheadSource: string;
  notes: Notes;
}

export async function measureSplitMemory(
  files: string[],
  feeds: Record<string, ort.Tensor>[],
  plan: SplitPlan | undefined,
  provider: ExecutionProvider,
  run: MemoryRun,
): Promise<SplitMemoryMeasurement> {
  const overhead = await runtimeOverhead(provider);
  // the estimate for this machine: the plan may have been made elsewhere, or without the overhead
  const onThisMachine = plan?.runtime && { ...plan, runtime: { ...plan.runtime, provider, overhead_bytes: overhead.bytes } };
  const memory: SplitMemory[] = [];
  const baselines: number[] = [];
  for (const [index, file] of files.entries()) {
    const measured = await measureChildMemory(file, ortProviderName(provider), feeds[index]);
    baselines.push(measured.baselineBytes);
    const planned = onThisMachine?.splits[index];
    const estimate = planned && estimatePlannedSplit(onThisMachine, planned, run.tokens);
    // a plan without the allocation settings (older split_plan.json, hand-made plans) has one figure, for its own length
    const planOnly = plan?.splits[index] && (plan.context_length === undefined || plan.context_length === run.tokens) ? plan.splits[index].runtime_bytes : undefined;
    memory.push({
      index,
      file: path.basename(file),
      peakRssBytes: measured.peakBytes,
      weightsAsLoadedBytes: Math.max(0, measured.loadPeakBytes - overhead.bytes),
      estimateBytes: estimate?.totalBytes ?? planOnly,
      estimateWeightsAsLoadedBytes: estimate?.loadPeakBytes,
      plannedWeightBytes: plan?.splits[index]?.weight_bytes,
    });
  }
  const notes: Notes = {
    checked: [`peak RSS of each split loading and running ${run.description}, each in its own child process on ${provider}`],
    notChecked: [],
  };
  if (provider !== 'CPUExecutionProvider') notes.notChecked.push(`accelerator memory on ${provider}: RSS counts host memory only`);
  return { memory, baseline: Math.max(...baselines), overheadBytes: overhead.bytes, overheadSource: overhead.source, notes };
}
