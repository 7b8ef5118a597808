/**
 * The fixed sequence of runs a validation makes, applied to any runner (the whole model's session, or the cascade
 * of splits), so that the two see identical inputs. Decoders go through a prefill and decode steps, each runner
 * feeding its own present tensors back as its past: a KV-cache routing error shows in later steps even when the
 * prefill matches. Other models get one run.
 */
import type * as ort from 'onnxruntime-node';
import { compareTensors } from './compare-tensors.ts';
import { decoderFeeds } from './decoder-feeds.ts';
import type { StepComparison } from './types.ts';

export type Runner = (feeds: Record<string, ort.Tensor>) => Promise<Record<string, ort.Tensor>>;

export interface DecoderRunShape {
  prefillTokens: number;
  decodeSteps: number;
}

export type RunSchedule =
  | { kind: 'decoder'; shape: DecoderRunShape; inputs: readonly ort.InferenceSession.ValueMetadata[]; vocabulary: number }
  | { kind: 'single'; label: string; feeds: Record<string, ort.Tensor> };

export interface StepOutputs {
  label: string;
  outputs: Record<string, ort.Tensor>;
}

export async function runSteps(run: Runner, schedule: RunSchedule): Promise<StepOutputs[]> {
  if (schedule.kind === 'single') return [{ label: schedule.label, outputs: await run(schedule.feeds) }];
  const token = (i: number): number => (i * 17 + 3) % schedule.vocabulary;
  const steps: StepOutputs[] = [];
  let previous: Record<string, ort.Tensor> | undefined;
  let pastLength = 0;
  for (let step = 0; step <= schedule.shape.decodeSteps; step += 1) {
    const tokens = step === 0 ? Array.from({ length: schedule.shape.prefillTokens }, (_, i) => token(i)) : [token(pastLength)];
    const outputs = await run(decoderFeeds(schedule.inputs, { tokens, pastLength, previous }));
    steps.push({ label: step === 0 ? `prefill (${tokens.length} tokens)` : `decode step ${step} (past ${pastLength})`, outputs });
    previous = outputs;
    pastLength += tokens.length;
  }
  return steps;
}

/** Compare, step by step, every output the whole model gives with the cascade's tensor of the same name. */
export function compareSteps(outputNames: readonly string[], whole: StepOutputs[], cascade: StepOutputs[]): StepComparison[] {
  return whole.map((step, i) => ({
    step: step.label,
    outputs: outputNames.map((name) => {
      const theirs = cascade[i]?.outputs[name];
      return theirs ? compareTensors(name, step.outputs[name], theirs) : { name, maxAbsDifference: Infinity, withinTolerance: false };
    }),
  }));
}
