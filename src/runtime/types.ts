/** What validating a split model checks and finds. */

/** ONNX Runtime execution provider names as Olive spells them. */
export type { ExecutionProvider } from '../providers.ts';
import type { ExecutionProvider } from '../providers.ts';
import type { BudgetCovers } from '../plan/types.ts';

export interface TensorDifference {
  name: string;
  /** Largest |whole − cascade| over the tensor's elements. */
  maxAbsDifference: number;
  /** Whether every element is within the tolerance of its dtype. */
  withinTolerance: boolean;
}

export interface StepComparison {
  /** e.g. "prefill (5 tokens)", "decode step 2" */
  step: string;
  outputs: TensorDifference[];
}

export interface SplitMemory {
  index: number;
  file: string;
  /** Peak resident set size of a child process that loaded this split and ran the memory run, minus its RSS before loading. */
  peakRssBytes: number;
  /** The load peak less ONNX Runtime's fixed overhead: the weights as loaded (prepacked copies and all). */
  weightsAsLoadedBytes: number;
  /** The allocation estimate of the whole peak for the same run, when a plan is known. */
  estimateBytes: number | undefined;
  /** The allocation estimate of the weights as loaded (load peak less overhead), when a plan is known. */
  estimateWeightsAsLoadedBytes: number | undefined;
  /** The plan's weight bytes for the split (what a weights-only budget holds). */
  plannedWeightBytes: number | undefined;
}

/** The run each split's memory is measured on. */
export interface MemoryRun {
  /** Tokens of the prefill (batch 1, empty KV cache). */
  tokens: number;
  /** In words, with why that length: "a prefill of 512 tokens (the plan's context length)". */
  description: string;
}

/** What a check covered and what it could not, in words for the report. */
export interface Notes {
  checked: string[];
  notChecked: string[];
}

export interface ValidationReport extends Notes {
  splitDir: string;
  splitFiles: string[];
  requestedProvider: ExecutionProvider;
  /** The provider the sessions actually ran on. */
  provider: ExecutionProvider;
  /** decoder: prefill then decode steps through the KV cache; generic: one run on fixed inputs. */
  mode: 'decoder' | 'generic';
  steps: StepComparison[];
  maxAbsDifference: number;
  passed: boolean;
  /** Peak RSS per split, measured in child processes (undefined when not measured). */
  memory: SplitMemory[] | undefined;
  /** RSS of a measuring child with Node and ONNX Runtime loaded, before the model (largest over the splits). */
  baselineRssBytes: number | undefined;
  /** What the memory was measured on; undefined when not measured. */
  memoryRun: MemoryRun | undefined;
  /** ONNX Runtime's fixed overhead (an empty session), and how it was obtained. */
  runtimeOverheadBytes: number | undefined;
  runtimeOverheadSource: string | undefined;
  budgetBytes: number | undefined;
  /** What the plan's budget was asked to hold: weights alone (Olive's rule) or the runtime estimate. */
  budgetCovers: BudgetCovers | undefined;
}
