/**
 * Split an ONNX model into cascaded sub-models as Olive lays them out (REFERENCE §4, §5): split_{i}.onnx with
 * split_{i}.onnx.data, model_config.json (CompositeModel), genai_config.json (decoder-pipeline), split_plan.json
 * and the tokenizer files, all written into a staging folder beside outDir and renamed into place at the end.
 * Then, unless turned off, the result is validated against the unsplit model (runtime/validate-split.ts).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { OliveError, ParseError } from '../errors.ts';
import { readModel, type LoadedModel } from '../onnx/read-model.ts';
import { writeModel } from '../onnx/write-model.ts';
import type { SplitPlan } from '../plan/types.ts';
import { formatValidationReport } from '../runtime/format-validation-report.ts';
import type { ExecutionProvider, ValidationReport } from '../runtime/types.ts';
import { validateSplit } from '../runtime/validate-split.ts';
import { assignNodes } from './assign-nodes.ts';
import { buildSplitModel } from './build-split-model.ts';
import { copySideFiles } from './copy-side-files.ts';
import { cutGraph } from './cut-graph.ts';
import { pipelineGenaiConfig } from './genai-manifest.ts';
import { indexGraph, type GraphIndex } from './graph-index.ts';
import { describeValues } from './infer-value-types.ts';
import { compositeModelConfig } from './olive-manifest.ts';
import { createStaging, publishStaging, requireReplaceable } from './output-folder.ts';
import { duplicatedBytes, sharedInitializers } from './shared-initializers.ts';
import { tensorBytes } from './tensor-bytes.ts';
import type { SplitCut, SplitResult, SplitTarget, WrittenSplit } from './types.ts';

export interface SplitModelOptions {
  /** The .onnx file to split; genai_config.json, config.json and tokenizer files beside it are carried over. */
  modelPath: string;
  /** Which modules go where (plan/ makes these). Give exactly one of plan and assignment. */
  plan?: SplitPlan;
  /** Node key (node name, or first output name of an unnamed node) → split index, for models without module paths. */
  assignment?: Record<string, number>;
  outDir: string;
  /** Replace an existing outDir (default: refuse). */
  force?: boolean;
  /** Validate the written split against the unsplit model (default true). */
  validate?: boolean;
  /** Provider the model targets; validation runs there, or on CPU when it is missing here. */
  provider?: ExecutionProvider;
  /** Measure each split's peak RSS in child processes during validation (default true). */
  measureMemory?: boolean;
  /** Inputs for validating a model that is not a GenAI-style decoder. */
  validationInputs?: Record<string, ort.Tensor>;
  onProgress?: (message: string) => void;
}

/** Validation found the cascade different from the unsplit model; the split is written and the report attached. */
export class SplitValidationError extends OliveError {
  constructor(readonly result: SplitResult, readonly report: ValidationReport) {
    super(`split written to '${result.outDir}', but validation failed (largest |difference| ${report.maxAbsDifference}):\n${formatValidationReport(report)}`);
    this.name = 'SplitValidationError';
  }
}

export const SPLIT_NAME = (index: number): string => `split_${index}`;

export async function splitModel(options: SplitModelOptions): Promise<SplitResult> {
  const progress = options.onProgress ?? (() => {});
  const target = splitTarget(options);
  const force = options.force ?? false;
  await requireReplaceable(options.outDir, force);
  const loaded = await readModel(options.modelPath);
  const graph = loaded.model.graph ?? {};
  const index = indexGraph(graph);
  const cuts = cutGraph(graph, index, assignNodes(graph, target, index));
  progress(`assigned ${index.nodes.length} nodes to ${cuts.length} splits`);
  const boundary = cuts.flatMap((cut) => [...cut.inputs, ...cut.outputs]);
  const { infos, inferred } = await describeValues(loaded.model, boundary);
  if (inferred.size > 0) progress(`inferred types of ${inferred.size} boundary values with ONNX Runtime`);
  const staging = await createStaging(options.outDir);
  let splits: WrittenSplit[];
  try {
    splits = await writeSplits(loaded, cuts, index, infos, staging, progress);
    await writeManifests(loaded, cuts, target, staging);
    await copySideFiles(loaded.dir, staging);
    await publishStaging(staging, options.outDir, force);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const shared = sharedInitializers(cuts, graph.initializer ?? []);
  const result: SplitResult = { outDir: options.outDir, splits, sharedInitializers: shared, duplicatedBytes: duplicatedBytes(shared), inferredTypes: inferred, validation: undefined };
  if (options.validate === false) return result;
  progress('validating the split against the unsplit model');
  result.validation = await validateSplit({
    wholeModelPath: loaded.path,
    splitDir: options.outDir,
    provider: options.provider,
    plan: target.kind === 'plan' ? target.plan : undefined,
    measureMemory: options.measureMemory,
    inputs: options.validationInputs,
  });
  if (!result.validation.passed) throw new SplitValidationError(result, result.validation);
  return result;
}

function splitTarget(options: SplitModelOptions): SplitTarget {
  if (options.plan && options.assignment) throw new OliveError('splitModel: give either plan or assignment, not both');
  if (options.plan) return { kind: 'plan', plan: options.plan };
  if (options.assignment) return { kind: 'assignment', nodes: options.assignment };
  throw new OliveError('splitModel: give a plan or a node assignment');
}

async function writeSplits(
  loaded: LoadedModel,
  cuts: SplitCut[],
  index: GraphIndex,
  infos: Map<string, import('../onnx/types.ts').ValueInfoProto>,
  staging: string,
  progress: (message: string) => void,
): Promise<WrittenSplit[]> {
  const written: WrittenSplit[] = [];
  for (const cut of cuts) {
    const model = buildSplitModel(loaded.model, cut, index, infos);
    const file = path.join(staging, `${SPLIT_NAME(cut.index)}.onnx`);
    const result = await writeModel(file, model);
    const weightBytes = (model.graph?.initializer ?? []).reduce((total, tensor) => total + tensorBytes(tensor), 0);
    written.push({
      index: cut.index,
      file: path.basename(file),
      dataFile: result.dataPath ? path.basename(result.dataPath) : undefined,
      nodes: cut.nodeIndices.length,
      inputs: cut.inputs,
      outputs: cut.outputs,
      weightBytes,
    });
    progress(`wrote ${path.basename(file)}: ${cut.nodeIndices.length} nodes, ${weightBytes} weight bytes`);
  }
  return written;
}

async function writeManifests(loaded: LoadedModel, cuts: SplitCut[], target: SplitTarget, staging: string): Promise<void> {
  const names = cuts.map((cut) => SPLIT_NAME(cut.index));
  const attributes = (await readJsonBeside(loaded.dir, 'config.json')) ?? {};
  const genai = pipelineGenaiConfig(
    cuts.map((cut) => ({ name: SPLIT_NAME(cut.index), inputs: cut.inputs, outputs: cut.outputs })),
    await readJsonBeside(loaded.dir, 'genai_config.json'),
  );
  const plan = target.kind === 'plan' ? target.plan : { method: 'assignment', nodes: target.nodes };
  await writeJson(path.join(staging, 'model_config.json'), compositeModelConfig(names, attributes));
  await writeJson(path.join(staging, 'genai_config.json'), genai);
  await writeJson(path.join(staging, 'split_plan.json'), plan);
}

async function readJsonBeside(dir: string, name: string): Promise<Record<string, unknown> | undefined> {
  const file = path.join(dir, name);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ParseError(file, `not valid JSON (${(error as Error).message})`);
  }
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
