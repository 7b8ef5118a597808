/**
 * `olive auto-opt` as a library call: load → plan → convert/quantize/split in one pass (a checkpoint) or
 * optimize → split (an ONNX model) → validate → publish (REFERENCE §1, §3, §4). Intermediate files (side files,
 * an optimized ONNX input) go to a work folder beside the output and are removed at the end;
 * the output is assembled and validated in a staging folder and only then renamed into place, so it appears whole
 * or not at all, and a failed run (validation included) leaves an earlier output as it was.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OliveError } from '../errors.ts';
import { openArchitecture } from '../arch/open-architecture.ts';
import { prepareDecoder, type PreparedDecoder } from '../convert/build-decoder.ts';
import { closeConvertPool, DEFAULT_CONVERT_THREADS, setConvertThreads } from '../convert/convert-pool.ts';
import { reportWriteProgress } from '../onnx/write-progress.ts';
import type { ModelProto } from '../onnx/types.ts';
import { quantizeWeights, type QuantizeResult } from '../passes/quantize/quantize-weights.ts';
import { writeSplitsOf } from '../split/split-model.ts';
import { validateStaged } from './validate-staged.ts';
import { resolveModelSource } from '../hf/resolve-model-source.ts';
import type { ModelSource } from '../hf/model-source.ts';
import { optimizeOnnxModel, type OptimizeOnnxReport } from '../passes/optimize-onnx-model.ts';
import { resolveQuantizeOptions } from '../passes/quantize/options.ts';
import type { SplitPlan } from '../plan/types.ts';
import { copySideFiles } from '../split/copy-side-files.ts';
import { publishedAt, writeSplitFolder } from '../split/split-model.ts';
import { createStaging, discardStaging, publishStaging, requireOutsideInput, requireReplaceable, type ProtectedFolder } from '../fs/output-folder.ts';
import { makeRunFolder, removeStaleRunFolders } from '../fs/run-folders.ts';
import { untrackTemporary } from '../fs/temporaries.ts';
import { hubCacheFolders } from '../hf/hub-settings.ts';
import { describeError } from '../fs/describe-error.ts';
import type { SplitResult } from '../split/types.ts';
import { classifyModelInput, type ModelInput } from './model-input.ts';
import { ioPrecision, makePlan } from './make-plan.ts';
import { planOnnxModel } from './plan-onnx-model.ts';
import { carrySideFiles, stageModelFolder, writeModelFolder } from './publish-model-folder.ts';
import type { AutoOptOptions } from './options.ts';
import { unsplitModelFiles, type UnsplitModelFiles } from '../layout/output-layout.ts';
import type { Reporter } from './reporter.ts';
import { StageTimer } from './stage-timer.ts';
import { summarize, type AutoOptResult, type SummaryQuantize } from './result.ts';
import { checkRuntimeBudget } from './check-runtime-budget.ts';

export async function runAutoOpt(options: AutoOptOptions, reporter: Reporter): Promise<AutoOptResult> {
  const timer = new StageTimer(reporter);
  const input = classifyModelInput(options.model);
  requireValidQuantizeOptions(options);
  const guarded = protectedFolders();
  if (!options.dryRun) await requireReplaceable(options.outputPath, options.force, guarded);
  const loaded = await timer.run('load', `reading ${options.model}`, () => loadInput(input, options, reporter));
  if (!options.dryRun) requireOutsideInput(options.outputPath, inputFile(loaded));
  const plan = await timer.run('plan', describeSplitRequest(options), () => planFor(loaded, options));
  const result = options.dryRun
    ? summarize({ options, input: loaded, plan, timings: timer.timings })
    : await inWorkFolder(options.outputPath, (work) => produce({ options, loaded, plan, work, timer, reporter, guarded }));
  return options.dryRun ? saveRunConfig(options, plan, result) : result;
}

/** --force never removes the Hugging Face cache (downloaded weights, the token) or a folder holding it. */
function protectedFolders(): ProtectedFolder[] {
  return hubCacheFolders(process.env).map((folder) => ({ path: folder, what: 'the Hugging Face cache' }));
}

/** A bad --block-size or --accuracy-level fails before anything is loaded or converted, on a dry run too. */
function requireValidQuantizeOptions(options: AutoOptOptions): void {
  if (options.precision !== 'int4' && options.precision !== 'int8') return;
  const { blockSize, accuracyLevel, provider } = options;
  resolveQuantizeOptions({ bits: options.precision === 'int4' ? 4 : 8, blockSize, accuracyLevel, provider, threads: 1 });
}

interface Production {
  options: AutoOptOptions;
  loaded: LoadedInput;
  plan: SplitPlan | undefined;
  work: string;
  timer: StageTimer;
  reporter: Reporter;
  guarded: ProtectedFolder[];
}

/**
 * A Hugging Face checkpoint goes to its final files in one pass; an ONNX model is optimized, then staged or
 * split. Either way the output is assembled (and validated) in a staging folder with the run configuration, and
 * only a staged output that passed is published.
 */
async function produce(production: Production): Promise<AutoOptResult> {
  const { loaded } = production;
  return loaded.kind === 'hf' ? produceFromCheckpoint(production, loaded.source) : produceFromOnnx(production, loaded.path);
}

/**
 * The graph is laid out with every weight attached as a source (a checkpoint range, converted, transposed or
 * quantized when the writer reaches it), then written straight into the unsplit model's or each split's data
 * file: no intermediate model, each weight read from the checkpoint once.
 */
async function produceFromCheckpoint(production: Production, source: ModelSource): Promise<AutoOptResult> {
  const { options, plan, work, timer, reporter } = production;
  setConvertThreads(isQuantized(options) ? 1 : DEFAULT_CONVERT_THREADS);
  const prepared = await timer.run('convert', 'building the ONNX graph', () => prepareCheckpoint(source, options, work));
  const quantized = isQuantized(options) ? await timer.run('quantize', `${options.precision} MatMulNBits, made while the weights are written`, () => quantizeBuilt(prepared.graph.model, options)) : undefined;
  try {
    const model = quantized?.model ?? prepared.graph.model;
    const staged = await inStaging(production, async (staging) => {
      if (!plan) {
        await timer.run('write', options.outputPath, () => writeModelFolder(model, prepared.sideDir, staging, outputFiles(options), writeProgress(model, reporter)));
        return undefined;
      }
      const written = await timer.run('split', `${plan.splits.length} splits, each weight converted and written once`, () =>
        writeSplitsOf({ model, dir: prepared.sideDir }, { kind: 'plan', plan }, { outDir: staging, onProgress: (message) => reporter.info(message) }),
      );
      if (options.validate) {
        written.result.validation = await timer.run('validate', 'the cascade against the unsplit model', () =>
          validateStaged({ staging, reference: { model, placements: written.placements }, plan, options, result: written.result }),
        );
      }
      return checkRuntimeBudget(written.result, plan, options.outputPath);
    });
    const quantize = quantized && { ...quantized.report, throughput: quantized.throughput() };
    return finish(production, staged, quantize);
  } finally {
    await quantized?.close();
    await closeConvertPool();
  }
}

/** An ONNX model: ORT's portable optimization and the precision conversion, then staged whole or split. */
async function produceFromOnnx(production: Production, inputPath: string): Promise<AutoOptResult> {
  const { options, plan, work, timer, reporter } = production;
  const optimized = await timer.run('optimize', `${options.precision} for ${options.provider}`, () => optimizeFor(inputPath, options, work, reporter));
  const modelPath = optimized.modelPath;
  // the optimized model's folder lacks the tokenizer and genai_config.json that the split and the output carry
  await carrySideFiles(path.dirname(inputPath), path.dirname(modelPath));
  const staged = await inStaging(production, async (staging) => {
    if (!plan) return void (await timer.run('write', options.outputPath, () => stageModelFolder(path.dirname(modelPath), modelPath, staging, outputFiles(options))));
    const result = await timer.run('split', `${plan.splits.length} splits`, () =>
      writeSplitFolder({ modelPath, plan, outDir: staging, validate: false, provider: options.provider, onProgress: (message) => reporter.info(message) }, options.outputPath),
    );
    if (options.validate) {
      result.validation = await timer.run('validate', 'the cascade against the unsplit model', () => validateStaged({ staging, reference: modelPath, plan, options, result }));
    }
    return checkRuntimeBudget(result, plan, options.outputPath);
  });
  return finish(production, staged, optimized.quantize);
}

async function finish(production: Production, staged: { value: SplitResult | undefined; configFile?: string }, quantize: SummaryQuantize | undefined): Promise<AutoOptResult> {
  const { options, loaded, plan, timer } = production;
  const split = staged.value && publishedAt(staged.value, options.outputPath);
  const fileBytes = split && (await splitFileBytes(split));
  const result = summarize({ options, input: loaded, plan, quantize, split, fileBytes, timings: timer.timings });
  return staged.configFile ? { ...result, config_file: staged.configFile } : result;
}

/** The graph, genai_config.json and the tokenizer files; config.json travels too (model_config.json's model_attributes). */
async function prepareCheckpoint(source: ModelSource, options: AutoOptOptions, work: string): Promise<PreparedDecoder> {
  const prepared = await prepareDecoder({
    modelDir: source.dir,
    outDir: path.join(work, 'converted'),
    precision: ioPrecision(options) === 'fp16' ? 'fp16' : 'fp32',
    provider: options.provider,
    // Transformers.js batches prompts left-padded: the standard-operator attention takes rotary positions and the
    // padding mask from attention_mask, GroupQueryAttention's seqlens_k assumes right padding
    attention: options.layout === 'transformers.js' ? 'plain' : undefined,
    contextLength: options.contextLength,
  });
  await copySideFiles(source.dir, prepared.sideDir);
  return prepared;
}

/** int4/int8: the Linear weights become MatMulNBits, quantized in worker threads as the writer reaches them. */
async function quantizeBuilt(model: ModelProto, options: AutoOptOptions): Promise<QuantizeResult> {
  return quantizeWeights(model, {
    bits: options.precision === 'int4' ? 4 : 8,
    blockSize: options.blockSize,
    accuracyLevel: options.accuracyLevel,
    symmetric: options.symmetric,
    provider: options.provider,
  });
}

function isQuantized(options: AutoOptOptions): boolean {
  return options.precision === 'int4' || options.precision === 'int8';
}

function writeProgress(model: ModelProto, reporter: Reporter): (tensorName: string, bytes: number) => void {
  return reportWriteProgress(model, (progress) => reporter.stageProgress('write', { done: progress.bytes, total: progress.totalBytes, unit: 'bytes' }));
}

/**
 * A staging folder beside the output for `stage` to fill, then (with --save_config_file's file) published in
 * one swap; removed instead when anything fails.
 */
async function inStaging<T>({ options, plan, guarded }: Production, stage: (staging: string) => Promise<T>): Promise<{ value: T; configFile?: string }> {
  const staging = await createStaging(options.outputPath);
  try {
    const value = await stage(staging);
    if (options.saveConfigFile) await writeRunConfig(staging, options, plan);
    await publishStaging(staging, options.outputPath, options.force, guarded);
    return { value, configFile: options.saveConfigFile ? path.join(options.outputPath, RUN_CONFIG_FILE) : undefined };
  } catch (error) {
    await discardStaging(staging);
    throw error;
  }
}

/** The unsplit output's model and data file names in the chosen layout. */
function outputFiles(options: AutoOptOptions): UnsplitModelFiles {
  return unsplitModelFiles(options.layout ?? 'olive', options.precision, ioPrecision(options));
}

/** Intermediate models live in a folder beside the output (same file system), removed whatever happens. */
async function inWorkFolder<T>(outputPath: string, work: (folder: string) => Promise<T>): Promise<T> {
  const folder = await createWorkFolder(outputPath);
  try {
    return await work(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
    untrackTemporary(folder);
  }
}

export type LoadedInput = { kind: 'onnx'; path: string } | { kind: 'hf'; source: ModelSource };

async function loadInput(input: ModelInput, options: AutoOptOptions, reporter: Reporter): Promise<LoadedInput> {
  if (input.kind === 'onnx') return input;
  const source = await resolveModelSource(input.idOrPath, {
    // a dry run plans from config.json and the safetensors headers alone
    weights: options.dryRun ? 'headers' : 'full',
    // whether the model can be converted is decided here, from config.json, before any weight is fetched
    checkConfig: openArchitecture,
    onProgress: (progress) => reporter.stageProgress(`load ${progress.file}`, { done: progress.bytesDone, total: progress.bytesTotal, unit: 'bytes' }),
  });
  return { kind: 'hf', source };
}

/** A file directly in the input model's folder: --force on that folder (or one above it) would delete the input. */
function inputFile(loaded: LoadedInput): string {
  return loaded.kind === 'onnx' ? loaded.path : path.join(loaded.source.dir, 'config.json');
}

async function planFor(loaded: LoadedInput, options: AutoOptOptions): Promise<SplitPlan | undefined> {
  if (loaded.kind === 'onnx') return planOnnxModel(loaded.path, options);
  return makePlan(options, { config: loaded.source.config, checkpoint: loaded.source.checkpoint });
}

/** A given ONNX model gets ORT's portable optimization and the precision conversion or quantization. */
async function optimizeFor(modelPath: string, options: AutoOptOptions, work: string, reporter: Reporter): Promise<OptimizeOnnxReport> {
  const outDir = path.join(work, 'optimized');
  await mkdir(outDir, { recursive: true });
  return optimizeOnnxModel(modelPath, outDir, {
    precision: options.precision,
    provider: options.provider,
    blockSize: options.blockSize,
    accuracyLevel: options.accuracyLevel,
    symmetric: options.symmetric,
    ortLevel: 'extended',
    onProgress: (progress) => reporter.stageProgress('optimize', { done: progress.bytes, total: progress.totalBytes, unit: 'bytes' }),
  });
}

function describeSplitRequest(options: AutoOptOptions): string {
  const { split } = options;
  if (split.method === 'none') return 'no split requested';
  if (split.method === 'num-splits') return `${split.numSplits} equal splits`;
  return `memory budget ${split.memoryBytes} bytes${split.costModel ? ` from ${split.costModel}` : ''}`;
}

/** Work folders are named with the run's pid: those of killed runs are removed by the next run. */
const WORK_FOLDER_PREFIX = '.olive-work-';

async function createWorkFolder(outputPath: string): Promise<string> {
  const parent = path.dirname(path.resolve(outputPath));
  try {
    await mkdir(parent, { recursive: true });
    await removeStaleRunFolders(parent, WORK_FOLDER_PREFIX);
    return await makeRunFolder(parent, WORK_FOLDER_PREFIX);
  } catch (error) {
    throw new OliveError(`cannot write the output folder '${outputPath}': ${describeError(error)}`, { cause: error });
  }
}

async function splitFileBytes(split: SplitResult): Promise<number[]> {
  const sizes: number[] = [];
  for (const written of split.splits) {
    const files = [written.file, written.dataFile].filter((f): f is string => f !== undefined);
    let bytes = 0;
    for (const file of files) bytes += (await stat(path.resolve(split.outDir, file))).size;
    sizes[written.index] = bytes;
  }
  return sizes;
}

/**
 * --save_config_file: the resolved run configuration beside the output, as Olive saves its workflow config. Named
 * auto-opt-config.json, not Olive's config.json, which in a model folder is the Hugging Face config.
 */
export const RUN_CONFIG_FILE = 'auto-opt-config.json';

/** A dry run writes only the run configuration, into the output folder. */
async function saveRunConfig(options: AutoOptOptions, plan: SplitPlan | undefined, result: AutoOptResult): Promise<AutoOptResult> {
  if (!options.saveConfigFile) return result;
  await mkdir(options.outputPath, { recursive: true });
  return { ...result, config_file: await writeRunConfig(options.outputPath, options, plan) };
}

async function writeRunConfig(folder: string, options: AutoOptOptions, plan: SplitPlan | undefined): Promise<string> {
  const file = path.join(folder, RUN_CONFIG_FILE);
  await writeFile(file, `${JSON.stringify({ options, plan: plan ?? null }, null, 2)}\n`);
  return file;
}
