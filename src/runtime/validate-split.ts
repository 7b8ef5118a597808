/**
 * Check a split folder against the model it came from: every split loads in onnxruntime-node; on fixed inputs the
 * cascade gives the whole model's outputs (for decoders: a prefill, then decode steps through the KV cache); each
 * split's peak memory is measured in a child process and set beside the plan's estimate and the budget. When the
 * requested provider is missing here (a CUDA model on a CPU machine) the checks run on CPU as far as CPU kernels
 * allow, and the report lists what was and was not checked.
 */
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { OliveError } from '../errors.ts';
import type { SplitPlan } from '../plan/types.ts';
import { isDecoderSession, vocabularySize } from './decoder-feeds.ts';
import { fixedInputs } from './fixed-inputs.ts';
import { measureSplitMemory } from './measure-split-memory.ts';
import { openSession } from './open-session.ts';
import { CascadeModel, SplitLoadError } from './cascade/cascade-model.ts';
import { compareSteps, runSteps, type DecoderRunShape, type RunSchedule, type StepOutputs } from './run-steps.ts';
import { splitFilesOf, splitPlanOf } from './split-files.ts';
import type { ExecutionProvider, MemoryRun, Notes, ValidationReport } from './types.ts';

export const DEFAULT_DECODER_RUN: DecoderRunShape = { prefillTokens: 5, decodeSteps: 3 };
/** Memory is measured at the plan's context length up to this many tokens (a prefill of that length). */
export const MAX_MEASURED_TOKENS = 4096;

export interface ValidateSplitOptions {
  wholeModelPath: string;
  splitDir: string;
  provider?: ExecutionProvider;
  /** For estimates and budget; default: the split_plan.json in splitDir, when it holds a plan. */
  plan?: SplitPlan;
  /** Measure each split's peak RSS in a child process (default true). */
  measureMemory?: boolean;
  /** Inputs for a model that is not a GenAI-style decoder; default: fixed values from its input metadata. */
  inputs?: Record<string, ort.Tensor>;
  decoderRun?: DecoderRunShape;
  /** Tokens of the memory run's prefill; default the plan's context length, at most MAX_MEASURED_TOKENS. */
  memoryTokens?: number;
}

function addNotes(notes: Notes, more: Notes): void {
  notes.checked.push(...more.checked);
  notes.notChecked.push(...more.notChecked);
}

export async function validateSplit(options: ValidateSplitOptions): Promise<ValidationReport> {
  const requested = options.provider ?? 'CPUExecutionProvider';
  const splitFiles = await splitFilesOf(options.splitDir);
  const plan = options.plan ?? (await splitPlanOf(options.splitDir));
  const notes: Notes = { checked: [], notChecked: [] };
  // The whole model runs first and is released before the splits load: peak memory stays near one model's.
  const reference = await runWhole(options, requested, notes);
  const fellBack = reference.provider !== requested;
  const memoryRun = options.measureMemory === false ? undefined : memoryRunFor(plan, reference.schedule, options.memoryTokens);
  const cascade = await runSplits(splitFiles, reference.provider, fellBack, { schedule: reference.schedule, memoryRun }, notes);
  const steps = cascade ? compareSteps(reference.outputNames, reference.steps, cascade.steps) : [];
  const measured = memoryRun && cascade ? await measureSplitMemory(splitFiles, cascade.memoryFeeds, plan, reference.provider, memoryRun) : undefined;
  if (measured) addNotes(notes, measured.notes);
  const maxAbsDifference = Math.max(0, ...steps.flatMap((step) => step.outputs.map((output) => output.maxAbsDifference)));
  const numericsPassed = steps.every((step) => step.outputs.every((output) => output.withinTolerance));
  return {
    splitDir: options.splitDir,
    splitFiles: splitFiles.map((file) => path.basename(file)),
    requestedProvider: requested,
    provider: reference.provider,
    mode: reference.schedule.kind === 'decoder' ? 'decoder' : 'generic',
    steps,
    maxAbsDifference,
    passed: numericsPassed && (cascade !== undefined || fellBack),
    memory: measured?.memory,
    baselineRssBytes: measured?.baseline,
    memoryRun: measured && memoryRun,
    runtimeOverheadBytes: measured?.overheadBytes,
    runtimeOverheadSource: measured?.overheadSource,
    budgetBytes: plan?.budget_bytes,
    budgetCovers: plan?.budget_covers,
    ...notes,
  };
}

interface Reference {
  provider: ExecutionProvider;
  schedule: RunSchedule;
  outputNames: readonly string[];
  steps: StepOutputs[];
}

async function runWhole(options: ValidateSplitOptions, requested: ExecutionProvider, notes: Notes): Promise<Reference> {
  const { session, provider } = await openWhole(options.wholeModelPath, requested, notes);
  try {
    const schedule = runSchedule(session, options);
    const steps = await runSteps((feeds) => session.run(feeds) as Promise<Record<string, ort.Tensor>>, schedule);
    return { provider, schedule, outputNames: session.outputNames, steps };
  } finally {
    await session.release();
  }
}

function runSchedule(whole: ort.InferenceSession, options: ValidateSplitOptions): RunSchedule {
  if (isDecoderSession(whole)) {
    return { kind: 'decoder', shape: options.decoderRun ?? DEFAULT_DECODER_RUN, inputs: whole.inputMetadata, vocabulary: vocabularySize(whole) };
  }
  if (options.inputs) return { kind: 'single', label: 'given inputs', feeds: options.inputs };
  return { kind: 'single', label: 'fixed inputs', feeds: fixedInputs(whole.inputMetadata) };
}

async function openWhole(modelPath: string, requested: ExecutionProvider, notes: Notes): Promise<{ session: ort.InferenceSession; provider: ExecutionProvider }> {
  const opened = await openSession(modelPath, requested);
  if (opened.ok) return opened;
  if (requested === 'CPUExecutionProvider') throw new OliveError(`the unsplit model '${modelPath}' does not load in onnxruntime-node: ${opened.error}`);
  notes.notChecked.push(`${requested}: not available here (${opened.error}); everything below ran on CPUExecutionProvider`);
  const onCpu = await openSession(modelPath, 'CPUExecutionProvider');
  if (!onCpu.ok) throw new OliveError(`the unsplit model '${modelPath}' loads neither on ${requested} nor on CPU here: ${onCpu.error}`);
  return onCpu;
}

interface CascadeRun {
  steps: StepOutputs[];
  /** What each split was fed in the memory run, replayed in each split's own process when measuring memory. */
  memoryFeeds: Record<string, ort.Tensor>[];
}

type DecoderSchedule = Extract<RunSchedule, { kind: 'decoder' }>;

interface CascadeRuns {
  schedule: RunSchedule;
  memoryRun: MemoryRun | undefined;
}

/**
 * What memory is measured on: for a decoder, a prefill of the plan's context length when that is at most
 * MAX_MEASURED_TOKENS, else of MAX_MEASURED_TOKENS (the estimate beside it is made for the same length); other
 * models, their one run.
 */
export function memoryRunFor(plan: SplitPlan | undefined, schedule: RunSchedule, tokens?: number): MemoryRun {
  if (schedule.kind === 'single') return { tokens: 1, description: `one run on ${schedule.label}` };
  if (tokens !== undefined) return { tokens, description: `a prefill of ${tokens} tokens (as asked)` };
  const context = plan?.context_length;
  if (context === undefined) {
    // the model's rotary caches may be shorter than MAX_MEASURED_TOKENS: stay with the checked prefill
    const tokens = schedule.shape.prefillTokens;
    return { tokens, description: `a prefill of ${tokens} tokens (the plan gives no context length)` };
  }
  if (context <= MAX_MEASURED_TOKENS) return { tokens: context, description: `a prefill of ${context} tokens (the plan's context length)` };
  return {
    tokens: MAX_MEASURED_TOKENS,
    description: `a prefill of ${MAX_MEASURED_TOKENS} tokens (the plan's context length of ${context} is over the ${MAX_MEASURED_TOKENS} measured)`,
  };
}

/** The cascade's outputs per step, or undefined when a split cannot load on a fallback provider (numerics skipped). */
async function runSplits(
  files: string[],
  provider: ExecutionProvider,
  fellBack: boolean,
  { schedule, memoryRun }: CascadeRuns,
  notes: Notes,
): Promise<CascadeRun | undefined> {
  const cascade = await openCascade(files, provider, fellBack, notes);
  if (!cascade) return undefined;
  const firstFeeds: Record<string, ort.Tensor>[] = [];
  let steps: StepOutputs[];
  try {
    notes.checked.push(`all ${files.length} splits load in onnxruntime-node on ${provider}`);
    notes.checked.push(scheduleNote(schedule));
    steps = await runSteps((feeds) => cascade.run(feeds, (split, splitFeeds) => (firstFeeds[split] ??= splitFeeds)), schedule);
  } finally {
    await cascade.release();
  }
  if (!memoryRun || schedule.kind === 'single') return { steps, memoryFeeds: firstFeeds };
  return { steps, memoryFeeds: await memoryRunFeeds(files, provider, schedule, memoryRun.tokens) };
}

/**
 * What each split is fed in a prefill of the memory run's length, replayed later in each split's own process. The
 * splits run one at a time (low-memory): at that length every resident split would keep its own arena of
 * activations, and this process would hold all of them (10.7 GB for a Llama-3.2-1B shape at 2048 tokens).
 */
async function memoryRunFeeds(files: string[], provider: ExecutionProvider, schedule: DecoderSchedule, tokens: number): Promise<Record<string, ort.Tensor>[]> {
  const cascade = await CascadeModel.open({ dir: path.dirname(files[0]), files, layout: 'split' }, { provider, memory: 'low-memory' });
  try {
    const feeds: Record<string, ort.Tensor>[] = [];
    await runSteps((stepFeeds) => cascade.run(stepFeeds, (split, splitFeeds) => (feeds[split] = splitFeeds)), {
      ...schedule,
      shape: { prefillTokens: tokens, decodeSteps: 0 },
    });
    return feeds;
  } finally {
    await cascade.release();
  }
}

async function openCascade(files: string[], provider: ExecutionProvider, fellBack: boolean, notes: Notes): Promise<CascadeModel | undefined> {
  const splitDir = path.dirname(files[0]);
  try {
    return await CascadeModel.open({ dir: splitDir, files, layout: 'split' }, { provider });
  } catch (error) {
    if (!(error instanceof SplitLoadError)) throw error;
    const name = path.basename(error.file);
    if (!fellBack) throw new OliveError(`split '${name}' does not load in onnxruntime-node: ${error.reason}`);
    notes.notChecked.push(`${name} cannot load on ${provider} (${error.reason}): cascade numerics not checked`);
    return undefined;
  }
}

function scheduleNote(schedule: RunSchedule): string {
  if (schedule.kind === 'single') return `cascade outputs equal the unsplit model's (one run on ${schedule.label})`;
  const { prefillTokens, decodeSteps } = schedule.shape;
  return `cascade logits and present tensors equal the unsplit model's: prefill of ${prefillTokens} tokens, then ${decodeSteps} decode steps through the KV cache`;
}
