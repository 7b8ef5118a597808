/**
 * What the fuzz run feeds and how it judges: mutated copies of the real fixtures (config.json, safetensors, a
 * cost table, an ONNX model) go through the library functions that read them, in-process; every outcome must be
 * a result or a one-line OliveError, within a time limit and without memory that grows with a claimed size.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';
import { OliveError } from '../../src/errors.ts';
import { buildDecoderGraph } from '../../src/convert/decoder-graph.ts';
import { generateCostModel } from '../../src/generate-cost-model/generate-cost-model.ts';
import { parseConfig } from '../../src/hf/config.ts';
import { resolveModelSource } from '../../src/hf/resolve-model-source.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import type { ModelProto } from '../../src/onnx/types.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import { Mutator, seededRandom } from './mutate.ts';

export const FIXTURE = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'tiny-llama');

/** An input taking longer than this hangs (the slowest honest one, a dry-run plan, takes well under a second). */
export const INPUT_TIMEOUT_MS = 15_000;
/** Memory an input may add: past this it follows a size the input claims. */
export const INPUT_MEMORY_BYTES = 768 * 1024 * 1024;

export type Outcome = 'parsed' | 'refused' | 'crash' | 'hang' | 'memory';

export interface Trial {
  target: string;
  outcome: Outcome;
  /** The error line (refused, crash) or what went wrong. */
  detail?: string;
}

/** Fields transformers configs hold, so mutations reach the ones the stages compute with. */
const CONFIG_KEYS = [
  'vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads',
  'head_dim', 'max_position_embeddings', 'rms_norm_eps', 'rope_theta', 'rope_scaling', 'partial_rotary_factor',
  'tie_word_embeddings', 'attention_bias', 'mlp_bias', 'sliding_window', 'architectures', 'model_type', 'hidden_act',
];

export interface Workspace {
  dir: string;
  config: Record<string, unknown>;
  safetensors: Buffer;
  costCsv: string;
  onnx: Buffer;
  /** The converted model's external data file (model.onnx.data), which its initializers point into. */
  onnxData: Buffer;
}

/** The real inputs the mutations start from: the tiny fixture, its cost table and its converted ONNX model. */
export async function prepareWorkspace(dir: string): Promise<Workspace> {
  const costFile = path.join(dir, 'seed-costs.csv');
  await generateCostModel({ model: FIXTURE, precision: 'fp32', outputPath: costFile });
  const built = path.join(dir, 'seed-onnx');
  const code = await main(['auto-opt', '-m', FIXTURE, '-o', built, '--no-validate'], { stdout: () => {}, stderr: () => {} });
  if (code !== 0) throw new Error('fuzz setup: converting the fixture failed');
  return {
    dir,
    config: JSON.parse(await readFile(path.join(FIXTURE, 'config.json'), 'utf8')),
    safetensors: await readFile(path.join(FIXTURE, 'model.safetensors')),
    costCsv: await readFile(costFile, 'utf8'),
    onnx: await readFile(path.join(built, 'model.onnx')),
    onnxData: await readFile(path.join(built, 'model.onnx.data')),
  };
}

/** One fuzz input: prepares its files and runs the library call; throws what the call throws. */
type Target = (work: Workspace, mutate: Mutator, inputDir: string) => Promise<void>;

const silent = { stdout: () => {}, stderr: () => {} };

/** A copy of the fixture folder whose config.json is mutated. */
async function configTarget(work: Workspace, mutate: Mutator, inputDir: string): Promise<void> {
  const text = mutate.int(3) === 0 ? mutate.bytes(Buffer.from(JSON.stringify(work.config))).toString('latin1') : JSON.stringify(mutate.json(work.config, CONFIG_KEYS));
  parseConfig('config.json', text);
  await cp(FIXTURE, inputDir, { recursive: true });
  await writeFile(path.join(inputDir, 'config.json'), text);
  await generateCostModel({ model: inputDir, precision: mutate.pick(['fp32', 'fp16', 'int4']), outputPath: path.join(inputDir, 'out.csv') });
}

/** Values of the right kind but odd sizes: they pass config.json's checks and reach the graph builder. */
function plausibleValue(mutate: Mutator): unknown {
  return mutate.pick([1, 2, 3, 5, 7, 16, 33, 64, 4096, 0.5, 0.3, 1e-30, 1e30, true, false, null]);
}

const BUILD_KEYS = [
  'num_key_value_heads', 'head_dim', 'max_position_embeddings', 'rms_norm_eps', 'rope_theta', 'partial_rotary_factor',
  'sliding_window', 'use_sliding_window', 'tie_word_embeddings', 'attention_bias', 'hidden_act', 'rope_scaling',
];

/** A copy of the fixture whose config.json has odd but well-formed values, built into an ONNX graph in memory. */
async function convertTarget(work: Workspace, mutate: Mutator, inputDir: string): Promise<void> {
  const config = structuredClone(work.config);
  for (let edit = 0; edit <= mutate.int(3); edit++) {
    const key = mutate.pick(BUILD_KEYS);
    config[key] = key === 'rope_scaling' ? mutate.pick([null, { rope_type: 'linear', factor: plausibleValue(mutate) }, { rope_type: 'llama3', factor: 8 }, { type: 'dynamic', factor: 2 }]) : key === 'hidden_act' ? mutate.pick(['silu', 'gelu', 'relu', 'x']) : plausibleValue(mutate);
  }
  await cp(FIXTURE, inputDir, { recursive: true });
  await writeFile(path.join(inputDir, 'config.json'), JSON.stringify(config));
  const contextLength = mutate.pick([undefined, 1, 7, 129, 100_000_000]);
  await buildDecoderGraph({ modelDir: inputDir, precision: mutate.pick(['fp32', 'fp16']), provider: 'CPUExecutionProvider', contextLength });
}

/** A copy of the fixture whose model.safetensors header (or length prefix, or tail) is mutated. */
async function safetensorsTarget(work: Workspace, mutate: Mutator, inputDir: string): Promise<void> {
  const headerLength = Number(work.safetensors.readBigUInt64LE(0));
  const bytes = mutate.int(4) === 0 ? headerMutation(work.safetensors, headerLength, mutate) : mutate.bytes(work.safetensors, 8 + headerLength);
  await cp(FIXTURE, inputDir, { recursive: true });
  await writeFile(path.join(inputDir, 'model.safetensors'), bytes);
  await resolveModelSource(inputDir, { weights: 'full' });
}

/** The header JSON re-encoded with one tensor entry's dtype, shape or data_offsets set to hostile values. */
function headerMutation(file: Buffer, headerLength: number, mutate: Mutator): Buffer {
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, Record<string, unknown>>;
  const name = mutate.pick(Object.keys(header).filter((key) => key !== '__metadata__'));
  header[name] = mutate.json(header[name], ['dtype', 'shape', 'data_offsets']);
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([prefix, json, file.subarray(8 + headerLength)]);
}

/** A mutated cost table planned against the fixture on a dry run (through main, in-process). */
async function costTableTarget(work: Workspace, mutate: Mutator, inputDir: string): Promise<void> {
  await mkdir(inputDir, { recursive: true });
  const table = path.join(inputDir, 'costs.csv');
  await writeFile(table, mutate.int(2) === 0 ? mutate.bytes(Buffer.from(work.costCsv)) : csvRowMutation(work.costCsv, mutate));
  await throughCli(['auto-opt', '-m', FIXTURE, '--memory', mutate.pick(['1MB', '300KB', '10GB']), '--cost-model', table, '--dry_run', '-o', path.join(inputDir, 'out')]);
}

function csvRowMutation(csv: string, mutate: Mutator): string {
  const lines = csv.trimEnd().split('\n');
  const at = 1 + mutate.int(lines.length - 1);
  const cells = lines[at].split(',');
  cells[mutate.int(cells.length)] = String(mutate.hostileValue());
  lines[at] = mutate.int(5) === 0 ? `${cells.join(',')},extra` : cells.join(',');
  if (mutate.int(4) === 0) lines.splice(1 + mutate.int(lines.length - 1), 0, lines[at]);
  return `${lines.join('\n')}\n`;
}

/** A mutated ONNX model (bytes, or a node's module metadata) planned on a dry run. */
async function onnxTarget(work: Workspace, mutate: Mutator, inputDir: string): Promise<void> {
  await mkdir(inputDir, { recursive: true });
  const file = path.join(inputDir, 'model.onnx');
  if (mutate.int(2) === 0) {
    await writeFile(file, mutate.bytes(work.onnx));
    await writeFile(`${file}.data`, mutate.int(4) === 0 ? work.onnxData.subarray(0, mutate.int(work.onnxData.length)) : work.onnxData);
  } else {
    // the seed in its own folder: writeModel writes model.onnx.data beside the new file, which the seed's tensors read
    const seedDir = path.join(inputDir, 'seed');
    await mkdir(seedDir);
    await writeFile(path.join(seedDir, 'model.onnx'), work.onnx);
    await writeFile(path.join(seedDir, 'model.onnx.data'), work.onnxData);
    const { model } = await readModel(path.join(seedDir, 'model.onnx'));
    structuralMutation(model, mutate);
    await writeModel(file, model);
    await rm(seedDir, { recursive: true });
  }
  await throughCli(['auto-opt', '-m', file, '--num-splits', String(mutate.pick([1, 2, 3, 100])), '--dry_run', '-o', path.join(inputDir, 'out')]);
}

/** A node's module metadata, an initializer's dims, or its external data entry set to hostile values. */
function structuralMutation(model: ModelProto, mutate: Mutator): void {
  const nodes = model.graph?.node ?? [];
  const initializers = model.graph?.initializer ?? [];
  const tensor = initializers[mutate.int(initializers.length)];
  const hostileCount = () => mutate.pick([-1, 0, 3, 2 ** 31, 2 ** 53, 9_999_999]);
  switch (mutate.int(3)) {
    case 0: {
      const node = nodes[mutate.int(nodes.length)];
      node.metadata_props = [{ key: 'module', value: `model.layers.${mutate.pick([-1, 4, 99, 9_999_999, 2 ** 53, 'x', ''])}.mlp` }];
      break;
    }
    case 1:
      if (tensor) tensor.dims = (tensor.dims ?? []).map((dim) => (mutate.int(2) === 0 ? hostileCount() : dim));
      break;
    default:
      if (tensor?.external_data) {
        const key = mutate.pick(['offset', 'length', 'location']);
        const value = key === 'location' ? mutate.pick(['../x', '/etc/passwd', 'missing.data', '', 'model.onnx']) : String(hostileCount());
        tensor.external_data = [...tensor.external_data.filter((entry) => entry.key !== key), { key, value }];
      }
  }
}

/** The CLI in-process: a non-zero exit must come with exactly one error line, never an internal engine text. */
async function throughCli(args: string[]): Promise<void> {
  let stderr = '';
  const code = await main(args, { ...silent, stderr: (text) => void (stderr += text) });
  if (code === 0) return;
  if (!/^error: [^\n]+\n$/.test(stderr)) throw new Error(`not one error line (exit ${code}): ${JSON.stringify(stderr.slice(0, 300))}`);
  if (/bug in olive-node's input checks/.test(stderr)) throw new Error(stderr.trim());
  throw new OliveError(stderr.slice('error: '.length).trim());
}

export const TARGETS: Record<string, Target> = {
  config: configTarget,
  convert: convertTarget,
  safetensors: safetensorsTarget,
  'cost-table': costTableTarget,
  onnx: onnxTarget,
};

/** Run one input and judge its outcome. */
export async function runTrial(target: string, work: Workspace, mutate: Mutator, inputDir: string, keepFailuresIn?: string): Promise<Trial> {
  let trial: Trial | undefined;
  const before = process.memoryUsage();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), INPUT_TIMEOUT_MS)));
  try {
    const result = await Promise.race([TARGETS[target](work, mutate, inputDir).then(() => 'parsed' as const), hang]);
    if (result === 'hang') return (trial = { target, outcome: 'hang', detail: `no outcome within ${INPUT_TIMEOUT_MS} ms` });
    return (trial = memoryTrial(target, before) ?? { target, outcome: 'parsed' });
  } catch (error) {
    const memory = memoryTrial(target, before);
    if (memory) return (trial = memory);
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof OliveError && !message.includes('\n')) return (trial = { target, outcome: 'refused', detail: message });
    return (trial = { target, outcome: 'crash', detail: `${(error as Error)?.name}: ${message}`.slice(0, 500) });
  } finally {
    clearTimeout(timer);
    const failed = trial?.outcome !== 'parsed' && trial?.outcome !== 'refused';
    if (failed && keepFailuresIn) await cp(inputDir, path.join(keepFailuresIn, path.basename(inputDir)), { recursive: true }).catch(() => {});
    await rm(inputDir, { recursive: true, force: true });
  }
}

function memoryTrial(target: string, before: NodeJS.MemoryUsage): Trial | undefined {
  const after = process.memoryUsage();
  const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  return grown > INPUT_MEMORY_BYTES ? { target, outcome: 'memory', detail: `${grown} bytes more after the input` } : undefined;
}

export interface FuzzReport {
  seed: number;
  tried: number;
  counts: Record<string, Record<Outcome, number>>;
  failures: Array<Trial & { index: number }>;
}

/** `perTarget` inputs for each target, seeded; the report counts the outcomes and keeps every failure. */
export interface FuzzOptions {
  onTrial?: (trial: Trial, index: number) => void;
  /** Copy the files of each failing input here, to rerun by hand. */
  keepFailuresIn?: string;
}

export async function fuzz(work: Workspace, seed: number, perTarget: number, { onTrial, keepFailuresIn }: FuzzOptions = {}): Promise<FuzzReport> {
  const report: FuzzReport = { seed, tried: 0, counts: {}, failures: [] };
  for (const target of Object.keys(TARGETS)) {
    report.counts[target] = { parsed: 0, refused: 0, crash: 0, hang: 0, memory: 0 };
    const mutate = new Mutator(seededRandomFor(seed, target));
    for (let index = 0; index < perTarget; index++) {
      const trial = await runTrial(target, work, mutate, path.join(work.dir, `input-${target}-${index}`), keepFailuresIn);
      report.tried++;
      report.counts[target][trial.outcome]++;
      if (trial.outcome !== 'parsed' && trial.outcome !== 'refused') report.failures.push({ ...trial, index });
      onTrial?.(trial, index);
    }
  }
  return report;
}


/** Each target its own stream, so adding inputs to one leaves the others' inputs as they were. */
function seededRandomFor(seed: number, target: string): () => number {
  let hash = seed;
  for (const char of target) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return seededRandom(hash);
}
