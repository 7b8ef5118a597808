/** What decides where each node goes, and what a split run produces. */
import type { SplitPlan } from '../plan/types.ts';
import { splitName } from '../layout/output-layout.ts';
import type { TypeProto } from '../onnx/types.ts';
import type { ValidationReport } from '../runtime/types.ts';

/**
 * Either a plan (modules per split, matched against node module paths) or, for models whose nodes carry no
 * Hugging Face module paths, an explicit map from node key (node name, or first output name for an unnamed node)
 * to split index. Nodes left out follow their producers and consumers in both cases.
 */
export type SplitTarget =
  | { kind: 'plan'; plan: SplitPlan }
  | { kind: 'assignment'; nodes: Record<string, number>; numSplits?: number };

/** Node split indices, one per graph node; Constant nodes get COPIED_INTO_EACH_SPLIT. */
export interface NodeAssignment {
  splitOf: number[];
  numSplits: number;
}

/** File stem of split `index` (the output layout names it). */
export const SPLIT_NAME = splitName;

/** Constant nodes belong to no split: each split that reads one gets its own copy. */
export const COPIED_INTO_EACH_SPLIT = -1;

/** One sub-model, before types are attached: nodes in original order, boundary value names, initializer names. */
export interface SplitCut {
  index: number;
  nodeIndices: number[];
  inputs: string[];
  outputs: string[];
  initializers: string[];
}

export interface SharedInitializer {
  name: string;
  bytes: number;
  /** Splits holding a copy. */
  splits: number[];
}

export interface WrittenSplit {
  index: number;
  file: string;
  /** Absent when every tensor stayed inline. */
  dataFile: string | undefined;
  nodes: number;
  inputs: string[];
  outputs: string[];
  weightBytes: number;
}

export interface SplitResult {
  outDir: string;
  splits: WrittenSplit[];
  sharedInitializers: SharedInitializer[];
  /** Bytes written more than once because several splits hold the same initializer. */
  duplicatedBytes: number;
  /** Types the source lacked for boundary values and which were inferred (name → type). */
  inferredTypes: Map<string, TypeProto>;
  validation: ValidationReport | undefined;
}
