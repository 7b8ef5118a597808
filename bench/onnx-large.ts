/**
 * Large-model I/O with bounded memory. Each phase runs in its own process so that its peak RSS is its own:
 *   write-external   a model of 2.2 GB of producer-made weights written with external data (over 2 GiB in all)
 *   read-external    readModel of it, every tensor streamed back through SHA-256 and checked
 *   ort-external     onnxruntime-node loads it and returns the last tensor (stored past 2 GiB), checked
 *   write-inline     a 300 MB model with every weight INLINE in the .onnx (writeModel streams it)
 *   read-inline      readModel of it (above the lazy threshold: scanned by range), bytes streamed and checked
 *   read-inline-whole  the same file read whole (lazy threshold raised), for comparison
 *   write-inline-huge  the 2.2 GB weights INLINE in one .onnx: no runtime can parse that protobuf (writeModel
 *                      refuses it), so the streaming encoder is called directly
 *   read-inline-huge   readModel of it: over 2 GiB, so always scanned; every byte streamed and checked
 * Usage: node bin/run-ts.js bench/onnx-large.ts [folder]   (default: a temp folder, deleted at the end)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import {
  getTensorSource,
  planStreamedModel,
  readModel,
  setTensorSource,
  streamSource,
  writeModel,
  writeStreamedModel,
} from '../src/onnx/index.ts';
import type { ModelProto, TensorProto } from '../src/onnx/index.ts';

const MiB = 1024 * 1024;
/** 33 × 64 MiB = 2.21 GB: over 2 GiB, so no single protobuf or Node read could hold it. */
const EXTERNAL_MODEL = { tensors: 33, tensorBytes: 64 * MiB };
/** 300 MB inline: above the 256 MiB lazy threshold, below protobuf's 2 GiB limit. */
const INLINE_MODEL = { tensors: 10, tensorBytes: 30 * 1000 * 1000 };
/** Producers make weights in pieces this size, so no tensor is ever whole in memory. */
const PRODUCE_CHUNK_BYTES = 16 * MiB;

type Phase =
  | 'write-external'
  | 'read-external'
  | 'ort-external'
  | 'write-inline'
  | 'read-inline'
  | 'read-inline-whole'
  | 'write-inline-huge'
  | 'read-inline-huge';

interface PhaseReport {
  phase: Phase;
  seconds: number;
  maxRssMiB: number;
  fileBytes: number;
  sha256: string;
}

/** Bytes [offset, offset + length) of weight `tensor`: deterministic, cheap to make, different everywhere. */
function patternChunk(tensor: number, offset: number, length: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  const base = tensor * 0x9e3779b1 + offset / 4;
  for (let i = 0; i < words.length; i++) words[i] = Math.imul(base + i, 2654435761) >>> 0;
  return new Uint8Array(words.buffer, 0, length);
}

function producedTensor(index: number, length: number): TensorProto {
  const tensor: TensorProto = { name: `weight.${index}`, dims: [length], data_type: 2 };
  return setTensorSource(tensor, {
    kind: 'producer',
    length,
    produce: async function* () {
      for (let at = 0; at < length; at += PRODUCE_CHUNK_BYTES) yield patternChunk(index, at, Math.min(PRODUCE_CHUNK_BYTES, length - at));
    },
  });
}

function benchModel(spec: { tensors: number; tensorBytes: number }): ModelProto {
  const initializer = Array.from({ length: spec.tensors }, (_, i) => producedTensor(i, spec.tensorBytes));
  const output = initializer.map((t) => ({ name: t.name, type: { tensor_type: { elem_type: 2, shape: { dim: [{ dim_value: spec.tensorBytes }] } } } }));
  return { ir_version: 10, opset_import: [{ domain: '', version: 21 }], producer_name: 'olive-node bench', graph: { name: 'large', initializer, output } };
}

/** SHA-256 of the tensors' bytes in order, streamed from wherever they are. */
async function hashTensors(tensors: TensorProto[]): Promise<string> {
  const hash = createHash('sha256');
  for (const tensor of tensors) {
    for await (const chunk of streamSource(getTensorSource(tensor)!)) hash.update(chunk);
  }
  return hash.digest('hex');
}

function hashWeights(model: ModelProto): Promise<string> {
  return hashTensors(model.graph!.initializer!);
}

/** Seconds taken by `work`, with what it returned. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

type PhaseResult = Omit<PhaseReport, 'phase' | 'maxRssMiB'>;

/** Writes are timed alone; the reference checksum is computed afterwards from fresh producers. */
async function writePhase(file: string, spec: { tensors: number; tensorBytes: number }, externalThresholdBytes: number): Promise<PhaseResult> {
  const { value: result, seconds } = await timed(() => writeModel(file, benchModel(spec), { externalThresholdBytes }));
  const fileBytes = result.modelBytes + (result.dataPath ? statSync(result.dataPath).size : 0);
  return { seconds, fileBytes, sha256: await hashWeights(benchModel(spec)) };
}

/** Reads are timed with the streaming of every weight back through the checksum. */
async function readPhase(file: string, lazyThresholdBytes?: number): Promise<PhaseResult> {
  const { value: sha256, seconds } = await timed(async () => hashWeights((await readModel(file, { lazyThresholdBytes })).model));
  const dataFile = `${file}.data`;
  const fileBytes = statSync(file).size + (existsSync(dataFile) ? statSync(dataFile).size : 0);
  return { seconds, fileBytes, sha256 };
}

/** ONNX Runtime session from the > 2 GiB model; the last weight (offset past 2^31) is fetched and hashed. */
async function ortPhase(file: string): Promise<PhaseResult> {
  const last = benchModel(EXTERNAL_MODEL).graph!.initializer!.at(-1)!;
  const { value: sha256, seconds } = await timed(async () => {
    const session = await ort.InferenceSession.create(file, { logSeverityLevel: 3 });
    const outputs = await session.run({}, [last.name!]);
    const digest = createHash('sha256').update(outputs[last.name!].data as Uint8Array).digest('hex');
    await session.release();
    return digest;
  });
  return { seconds, fileBytes: statSync(`${file}.data`).size, sha256 };
}

/** Past writeModel's 2 GiB refusal on purpose: only our scanner has to read this file. */
async function writeHugeInlinePhase(file: string): Promise<PhaseResult> {
  const model = benchModel(EXTERNAL_MODEL);
  const sources = new Map(model.graph!.initializer!.map((tensor) => [tensor, getTensorSource(tensor)!]));
  const plan = planStreamedModel(model, sources);
  const { seconds } = await timed(() => writeStreamedModel(file, plan));
  return { seconds, fileBytes: plan.byteLength, sha256: await hashWeights(benchModel(EXTERNAL_MODEL)) };
}

async function runPhase(phase: Phase, dir: string): Promise<PhaseResult> {
  const external = path.join(dir, 'external.onnx');
  const inline = path.join(dir, 'inline.onnx');
  const hugeInline = path.join(dir, 'huge-inline.onnx');
  switch (phase) {
    case 'write-external':
      return writePhase(external, EXTERNAL_MODEL, 1024);
    case 'write-inline':
      return writePhase(inline, INLINE_MODEL, Number.POSITIVE_INFINITY);
    case 'read-external':
      return readPhase(external);
    case 'ort-external':
      return ortPhase(external);
    case 'read-inline':
      return readPhase(inline);
    case 'read-inline-whole':
      return readPhase(inline, Number.POSITIVE_INFINITY);
    case 'write-inline-huge':
      return writeHugeInlinePhase(hugeInline);
    case 'read-inline-huge':
      return readPhase(hugeInline);
  }
}

async function child(phase: Phase, dir: string): Promise<void> {
  const result = await runPhase(phase, dir);
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ phase, ...result, maxRssMiB }));
}

function spawnPhase(phase: Phase, dir: string): PhaseReport {
  const runner = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run-ts.js');
  const out = execFileSync(process.execPath, [runner, fileURLToPath(import.meta.url), '--phase', phase, dir], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as PhaseReport;
}

const PHASES: Phase[] = [
  'write-external',
  'read-external',
  'ort-external',
  'write-inline',
  'read-inline',
  'read-inline-whole',
  'write-inline-huge',
  'read-inline-huge',
];

async function main(dirArg: string | undefined): Promise<void> {
  const dir = dirArg ?? mkdtempSync(path.join(os.tmpdir(), 'olive-onnx-large-'));
  try {
    const reports = new Map<Phase, PhaseReport>();
    for (const phase of PHASES) {
      const report = spawnPhase(phase, dir);
      reports.set(phase, report);
      console.log(`${phase.padEnd(19)} ${(report.fileBytes / 1e9).toFixed(3)} GB  ${report.seconds.toFixed(1)} s  peak RSS ${report.maxRssMiB.toFixed(0)} MiB`);
    }
    const sha = (phase: Phase) => reports.get(phase)!.sha256;
    const intact =
      sha('read-external') === sha('write-external') &&
      sha('ort-external') === (await hashTensors(benchModel(EXTERNAL_MODEL).graph!.initializer!.slice(-1))) &&
      sha('read-inline') === sha('write-inline') &&
      sha('read-inline-whole') === sha('write-inline') &&
      sha('read-inline-huge') === sha('write-external');
    console.log(intact ? 'checksums: every weight read back intact (ours and onnxruntime)' : 'checksums DIFFER');
    if (!intact) process.exitCode = 1;
  } finally {
    if (!dirArg) rmSync(dir, { recursive: true, force: true });
  }
}

const phaseFlag = process.argv.indexOf('--phase');
if (phaseFlag >= 0) await child(process.argv[phaseFlag + 1] as Phase, process.argv[phaseFlag + 2]);
else await main(process.argv[2]);
