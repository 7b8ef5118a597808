/**
 * Every model of Debian's libonnx-testdata (about 1000 real ONNX files) through the codec and through
 * readModel → writeModel (every raw initializer moved to external data) → readModel, and through the lazy
 * by-range scanner, unchanged; and wherever onnxruntime-node creates a session from the original, it creates one
 * from the rewritten copy.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import * as ort from 'onnxruntime-node';
import { decodeModel, encodeModel, modelToPlain } from '../../src/onnx/proto.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import { comparable, useTempDirs } from './helpers.ts';

const CORPUS_DIR = '/usr/share/libonnx-testdata/data';
/** The package holds 1072 models; far fewer means a broken install, not a smaller corpus. */
const MIN_CORPUS_MODELS = 1000;
/** FATAL only: dozens of originals fail to load (unsupported ops, missing locales) and each would log an error. */
const ORT_QUIET = { logSeverityLevel: 4 } as const;

/** Every non-empty raw initializer goes to external data: the corpus is small, and this tests that path hardest. */
const EXTERNAL_THRESHOLD_BYTES = 1;

const tempDir = useTempDirs();

interface CorpusCounts {
  models: number;
  byteIdentical: number;
  withExternalData: number;
  codecMismatches: string[];
  rewriteMismatches: string[];
  scanMismatches: string[];
  ortLoadedOriginal: number;
  ortLoadedRewritten: number;
  ortLostByRewrite: string[];
}

test('every libonnx-testdata model round-trips unchanged and loads in onnxruntime as before', async () => {
  if (!existsSync(CORPUS_DIR)) {
    throw new Error(`ONNX test corpus missing: ${CORPUS_DIR} — install Debian's libonnx-testdata (apt-get install libonnx-testdata; .ci/run does it)`);
  }
  const files = corpusModels();
  expect(files.length).toBeGreaterThanOrEqual(MIN_CORPUS_MODELS);
  const out = await tempDir();
  const counts: CorpusCounts = {
    models: 0, byteIdentical: 0, withExternalData: 0, codecMismatches: [], rewriteMismatches: [], scanMismatches: [],
    ortLoadedOriginal: 0, ortLoadedRewritten: 0, ortLostByRewrite: [],
  };
  for (const [index, file] of files.entries()) {
    checkCodec(file, counts);
    const rewritten = path.join(out, String(index), 'model.onnx');
    await checkRewrite(file, rewritten, counts);
    await checkOrtLoads(file, rewritten, counts);
    counts.models += 1;
  }
  console.log(
    `corpus: ${counts.models} models round-tripped (${counts.byteIdentical} byte-identical; ` +
      `${counts.withExternalData} rewritten with external data), ` +
      `mismatches ${counts.codecMismatches.length + counts.rewriteMismatches.length + counts.scanMismatches.length}; ` +
      `onnxruntime loaded ${counts.ortLoadedOriginal} originals, ${counts.ortLoadedRewritten} rewritten copies`,
  );
  expect(counts.codecMismatches).toEqual([]);
  expect(counts.rewriteMismatches).toEqual([]);
  expect(counts.scanMismatches).toEqual([]);
  expect(counts.ortLostByRewrite).toEqual([]);
  expect(counts.ortLoadedOriginal).toBeGreaterThan(MIN_CORPUS_MODELS * 0.9);
});

function corpusModels(): string[] {
  return readdirSync(CORPUS_DIR, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.onnx'))
    .sort()
    .map((name) => path.join(CORPUS_DIR, name));
}

/** decode → encode → decode gives the same message; byte-identical output is counted, not required. */
function checkCodec(file: string, counts: CorpusCounts): void {
  const bytes = readFileSync(file);
  const model = decodeModel(bytes);
  const encoded = encodeModel(model);
  if (Buffer.compare(Buffer.from(encoded), bytes) === 0) counts.byteIdentical += 1;
  else if (JSON.stringify(modelToPlain(decodeModel(encoded))) !== JSON.stringify(modelToPlain(model))) counts.codecMismatches.push(file);
}

async function checkRewrite(file: string, rewritten: string, counts: CorpusCounts): Promise<void> {
  const original = await readModel(file);
  mkdirSync(path.dirname(rewritten));
  const written = await writeModel(rewritten, original.model, { externalThresholdBytes: EXTERNAL_THRESHOLD_BYTES });
  if (written.externalTensors > 0) counts.withExternalData += 1;
  const expected = await comparable(original.model);
  if ((await comparable((await readModel(rewritten)).model)) !== expected) counts.rewriteMismatches.push(file);
  if ((await comparable((await readModel(file, { lazyThresholdBytes: 0 })).model)) !== expected) counts.scanMismatches.push(file);
}

async function checkOrtLoads(file: string, rewritten: string, counts: CorpusCounts): Promise<void> {
  if (!(await ortLoads(file))) return;
  counts.ortLoadedOriginal += 1;
  if (await ortLoads(rewritten)) counts.ortLoadedRewritten += 1;
  else counts.ortLostByRewrite.push(file);
}

async function ortLoads(file: string): Promise<boolean> {
  try {
    const session = await ort.InferenceSession.create(file, ORT_QUIET);
    await session.release();
    return true;
  } catch {
    return false;
  }
}
