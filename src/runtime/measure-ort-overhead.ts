/**
 * ONNX Runtime's fixed overhead on this machine: the peak RSS an empty session (one Identity node) adds in a fresh
 * child process. It depends on the machine and the build, not on the model, so it is measured once and cached in
 * the temp folder under the onnxruntime-node version, provider, platform and core count.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { encodeModel } from '../onnx/proto.ts';
import type { ModelProto } from '../onnx/types.ts';
import { measureChildMemory } from './measure-peak-rss.ts';
import { ortProviderName } from './open-session.ts';
import type { ExecutionProvider } from './types.ts';

export const OVERHEAD_CACHE_FOLDER = 'olive-node-ort-overhead';
/** Bumped when the way the overhead is measured changes, so that older cached figures are not read. */
const MEASUREMENT_VERSION = 2;

export interface RuntimeOverhead {
  bytes: number;
  /** How the figure was obtained, for the report. */
  source: string;
}

export async function runtimeOverhead(provider: ExecutionProvider, cacheRoot = os.tmpdir()): Promise<RuntimeOverhead> {
  const folder = path.join(cacheRoot, OVERHEAD_CACHE_FOLDER);
  const file = path.join(folder, `${cacheKey(provider)}.json`);
  const cached = await readCached(file);
  if (cached !== undefined) return { bytes: cached, source: `measured once on this machine from an empty session, cached in ${file}` };
  await mkdir(folder, { recursive: true });
  const model = path.join(folder, `empty-${process.pid}.onnx`);
  await writeFile(model, encodeModel(EMPTY_MODEL));
  const { loadPeakBytes } = await measureChildMemory(model, ortProviderName(provider)).finally(() => rm(model, { force: true }));
  const temporary = `${file}.${process.pid}`;
  await writeFile(temporary, `${JSON.stringify({ overhead_bytes: loadPeakBytes })}\n`);
  await rename(temporary, file);
  return { bytes: loadPeakBytes, source: `measured now on this machine from an empty session (cached in ${file})` };
}

function cacheKey(provider: ExecutionProvider): string {
  const version = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  return `v${MEASUREMENT_VERSION}-ort-${version}-${ortProviderName(provider)}-${process.platform}-${process.arch}-${os.cpus().length}cpu`;
}

async function readCached(file: string): Promise<number | undefined> {
  try {
    const value = (JSON.parse(await readFile(file, 'utf8')) as { overhead_bytes?: unknown }).overhead_bytes;
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

const FLOAT = 1;
const scalarInput = (name: string) => ({ name, type: { tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_value: 1 }] } } } });

const EMPTY_MODEL: ModelProto = {
  ir_version: 10,
  opset_import: [{ domain: '', version: 21 }],
  graph: { name: 'empty', node: [{ op_type: 'Identity', input: ['x'], output: ['y'] }], input: [scalarInput('x')], output: [scalarInput('y')] },
} as ModelProto;
