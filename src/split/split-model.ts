/**
 * Split an ONNX model into cascaded sub-models as Olive lays them out (REFERENCE §4, §5): split_{i}.onnx with
 * split_{i}.onnx.data, model_config.json (CompositeModel), genai_config.json (decoder-pipeline), split_plan.json
 * and the tokenizer files, all written into a staging folder beside outDir. Unless turned off, the staged result
 * is validated against the unsplit model (runtime/validate-split.ts) before it is renamed into place: a split that
 * fails validation is never published, and an earlier output stays.
 */
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { OliveError } from '../errors.ts';
import { readModel, type LoadedModel } from '../onnx/read-model.ts';
import type { ModelProto, TensorProto, TypeProto, ValueInfoProto } from '../onnx/types.ts';
import { writeModel, type ExternalRange } from '../onnx/write-model.ts';
import { copyTensor, setTensorSource } from '../onnx/tensor-source.ts';
import type { SplitPlan } from '../plan/types.ts';
import type { ExecutionProvider } from '../providers.ts';
import type { ValidationReport } from '../runtime/types.ts';
import { validateSplit } from '../runtime/validate-split.ts';
import { assignNodes } from './assign-nodes.ts';
import { buildSplitModel } from './build-split-model.ts';
import { copySideFiles } from './copy-side-files.ts';
import { cutGraph } from './cut-graph.ts';
import { indexGraph, type GraphIndex } from './graph-index.ts';
import { describeValues } from './infer-value-types.ts';
import { createStaging, discardStaging, publishStaging, requireOutsideInput, requireReplaceable } from '../fs/output-folder.ts';
import { duplicatedBytes, sharedInitializers } from './shared-initializers.ts';
import { SplitValidationError } from './split-validation-error.ts';
import { tensorByteLength } from '../onnx/tensor-size.ts';
import { type SharedInitializer, type SplitCut, type SplitResult, type SplitTarget, type WrittenSplit } from './types.ts';
import { writeManifests } from './write-manifests.ts';
import { splitFileName } from '../layout/output-layout.ts';

export interface SplitModelOptions {
  /** The .onnx file to split; genai_config.json, config.json and tokenizer files beside it are carried over. */
  modelPath: string;
  /** Which modules go where (plan/ makes these). Give exactly one of plan and assignment. */
  plan?: SplitPlan;
  /** Node key (node name, or first output name of an unnamed node) → split index, for models without module paths. */
  assignment?: Record<string, number>;
  outDir: string;
  /** model_config.json's model_attributes (Olive puts the Hugging Face config there); default: config.json beside the model, else {}. */
  modelAttributes?: Record<string, unknown>;
  /** Replace an existing outDir (default: refuse). */
  force?: boolean;
  /** Validate the written split against the unsplit model (default true); a failed validation throws SplitValidationError. */
  validate?: boolean;
  /** Provider the model targets; validation runs there, or on CPU when it is missing here. */
  provider?: ExecutionProvider;
  /** Measure each split's peak RSS in child processes during validation (default true). */
  measureMemory?: boolean;
  /** Inputs for validating a model that is not a GenAI-style decoder. */
  validationInputs?: Record<string, ort.Tensor>;
  onProgress?: (message: string) => void;
}

type Progress = (message: string) => void;

interface CutModel {
  index: GraphIndex;
  cuts: SplitCut[];
  infos: Map<string, ValueInfoProto>;
  inferred: Map<string, TypeProto>;
}

export async function splitModel(options: SplitModelOptions): Promise<SplitResult> {
  requireOutsideInput(options.outDir, options.modelPath);
  await requireReplaceable(options.outDir, options.force ?? false);
  const staging = await createStaging(options.outDir);
  try {
    const result = await writeSplitFolder({ ...options, outDir: staging }, options.outDir);
    await publishStaging(staging, options.outDir, options.force ?? false);
    return publishedAt(result, options.outDir);
  } catch (error) {
    await discardStaging(staging);
    throw error;
  }
}

/** A result written and validated in a staging folder, its paths moved to where the folder was published. */
export function publishedAt(result: SplitResult, outDir: string): SplitResult {
  const validation = result.validation && {
    ...result.validation,
    splitDir: outDir,
    splitFiles: result.validation.splitFiles.map((file) => path.join(outDir, path.basename(file))),
  };
  return { ...result, outDir, validation };
}

/**
 * The split written into the existing, empty folder `options.outDir` (a staging folder) and validated there;
 * nothing is published. `publishedAs` is the folder it is meant for, for messages.
 */
export async function writeSplitFolder(options: SplitModelOptions, publishedAs: string): Promise<SplitResult> {
  const progress = options.onProgress ?? (() => {});
  const target = splitTarget(options);
  const loaded = await readModel(options.modelPath);
  const { result } = await writeSplitsOf({ model: loaded.model, dir: loaded.dir }, target, { ...options, onProgress: progress });
  if (options.validate === false) return result;
  result.validation = await validateOutput(loaded, target, options, progress);
  if (!result.validation.passed) {
    const meantFor = publishedAt(result, publishedAs);
    throw new SplitValidationError(meantFor, meantFor.validation!);
  }
  return result;
}

/** A model held in memory (weights as attached sources) and the folder its side files and configs come from. */
export interface SplitSource {
  model: ModelProto;
  dir: string;
}

export interface WrittenSplitFolder {
  result: SplitResult;
  /** Where each initializer of the source model was first written (data file name in outDir, offset, length). */
  placements: Map<TensorProto, ExternalRange>;
}

/**
 * Cut `source.model` along `target` and write the splits, manifests and side files into the existing folder
 * `options.outDir`, each weight streamed from its source once. An initializer several splits read (a tied
 * embedding, rotary caches) is produced once: the later splits copy it from the first split's data file.
 * Nothing is validated here.
 */
export async function writeSplitsOf(
  source: SplitSource,
  target: SplitTarget,
  options: Pick<SplitModelOptions, 'outDir' | 'modelAttributes' | 'onProgress'>,
): Promise<WrittenSplitFolder> {
  const progress = options.onProgress ?? (() => {});
  const cut = await cutModel(source.model, target, progress);
  const placements = new Map<TensorProto, ExternalRange>();
  const splits = await writeSplits(source.model, cut, options.outDir, placements, progress);
  await writeManifests(options.outDir, cut.cuts, target, { modelDir: source.dir, modelAttributes: options.modelAttributes });
  await copySideFiles(source.dir, options.outDir);
  const shared = sharedInitializers(cut.cuts, source.model.graph?.initializer ?? []);
  if (shared.length > 0) progress(describeShared(shared));
  const result: SplitResult = {
    outDir: options.outDir,
    splits,
    sharedInitializers: shared,
    duplicatedBytes: duplicatedBytes(shared),
    inferredTypes: cut.inferred,
    validation: undefined,
  };
  return { result, placements };
}

function describeShared(shared: SharedInitializer[]): string {
  const listed = shared.map((entry) => `${entry.name} (${entry.bytes} bytes in splits ${entry.splits.join(', ')})`).join('; ');
  return `${shared.length} initializers copied into several splits, ${duplicatedBytes(shared)} bytes duplicated: ${listed}`;
}

function splitTarget(options: SplitModelOptions): SplitTarget {
  if (options.plan && options.assignment) throw new OliveError('splitModel: give either plan or assignment, not both');
  if (options.plan) return { kind: 'plan', plan: options.plan };
  if (options.assignment) return { kind: 'assignment', nodes: options.assignment };
  throw new OliveError('splitModel: give a plan or a node assignment');
}

async function cutModel(model: ModelProto, target: SplitTarget, progress: Progress): Promise<CutModel> {
  const graph = model.graph ?? {};
  const index = indexGraph(graph);
  const cuts = cutGraph(graph, index, assignNodes(graph, target, index));
  progress(`assigned ${index.nodes.length} nodes to ${cuts.length} splits`);
  const { infos, inferred } = await describeValues(model, cuts.flatMap((cut) => [...cut.inputs, ...cut.outputs]));
  if (inferred.size > 0) progress(`inferred types of ${inferred.size} boundary values with ONNX Runtime`);
  return { index, cuts, infos, inferred };
}

/** Each split's model and data file; `placements` gets where each source initializer was first written. */
async function writeSplits(
  source: ModelProto,
  cut: CutModel,
  staging: string,
  placements: Map<TensorProto, ExternalRange>,
  progress: Progress,
): Promise<WrittenSplit[]> {
  const written: WrittenSplit[] = [];
  for (const split of cut.cuts) {
    const model = buildSplitModel(source, split, cut.index, cut.infos);
    const reused = reuseWrittenCopies(model, placements, staging);
    const file = path.join(staging, splitFileName(split.index));
    const result = await writeModel(file, reused.model);
    for (const [tensor, range] of result.placements) {
      const original = reused.originals.get(tensor) ?? tensor;
      if (!placements.has(original)) placements.set(original, range);
    }
    const weightBytes = (model.graph?.initializer ?? []).reduce((total, tensor) => total + tensorByteLength(tensor), 0);
    written.push({
      index: split.index,
      file: path.basename(file),
      dataFile: result.dataPath ? path.basename(result.dataPath) : undefined,
      nodes: split.nodeIndices.length,
      inputs: split.inputs,
      outputs: split.outputs,
      weightBytes,
    });
    progress(`wrote ${path.basename(file)}: ${split.nodeIndices.length} nodes, ${weightBytes} weight bytes`);
  }
  return written;
}

/**
 * The split's initializers already written into an earlier split's data file read their bytes from there, so a
 * converted or quantized weight is made once; `originals` maps each such copy back to the source's tensor.
 */
function reuseWrittenCopies(model: ModelProto, placements: Map<TensorProto, ExternalRange>, folder: string): { model: ModelProto; originals: Map<TensorProto, TensorProto> } {
  const originals = new Map<TensorProto, TensorProto>();
  const graph = model.graph ?? {};
  const initializer = (graph.initializer ?? []).map((tensor) => {
    const range = placements.get(tensor);
    if (!range) return tensor;
    const copy = setTensorSource(copyTensor(tensor), { kind: 'file', path: path.join(folder, range.location), offset: range.offset, length: range.length });
    originals.set(copy, tensor);
    return copy;
  });
  return { model: { ...model, graph: { ...graph, initializer } }, originals };
}

async function validateOutput(loaded: LoadedModel, target: SplitTarget, options: SplitModelOptions, progress: Progress): Promise<ValidationReport> {
  progress('validating the split against the unsplit model');
  return validateSplit({
    wholeModelPath: loaded.path,
    splitDir: options.outDir,
    provider: options.provider,
    plan: target.kind === 'plan' ? target.plan : undefined,
    measureMemory: options.measureMemory,
    inputs: options.validationInputs,
  });
}
