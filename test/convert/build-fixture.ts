/** Test helpers: build a checkpoint folder into a temporary folder and open it next to the reference model. */
import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { fixtureDir, type TinyArchitecture } from '../../scripts/make-fixtures.ts';
import os from 'node:os';
import path from 'node:path';
import { buildDecoder, type BuildOptions, type BuildResult } from '../../src/convert/index.ts';
import type { FloatPrecision } from '../../src/precisions.ts';
import { ReferenceDecoder } from '../reference/forward.ts';
import { emptyKv, maxAbsDifference, openDecoder, runDecoder, type OrtDecoder } from './ort-decoder.ts';

export interface BuiltPair {
  result: BuildResult;
  decoder: OrtDecoder;
  reference: ReferenceDecoder;
  outDir: string;
}

export async function tempDir(label: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `olive-build-${label}-`));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

export async function buildAndOpen(modelDir: string, precision: FloatPrecision = 'fp32', extra: Partial<BuildOptions> = {}): Promise<BuiltPair> {
  const outDir = await tempDir(path.basename(modelDir));
  const result = await buildDecoder({ modelDir, outDir, precision, provider: 'CPUExecutionProvider', ...extra });
  const reference = new ReferenceDecoder(modelDir);
  const c = reference.config;
  const shape = { layers: c.num_hidden_layers, kvHeads: c.num_key_value_heads, headDim: c.head_dim ?? c.hidden_size / c.num_attention_heads, vocab: c.vocab_size };
  const decoder = await openDecoder(result.modelPath, shape, precision === 'fp16' ? 'float16' : 'float32');
  return { result, decoder, reference, outDir };
}

/** A deterministic prompt of `length` token ids below `vocab`. */
export function prompt(length: number, vocab: number, seed = 5): number[] {
  return Array.from({ length }, (_, i) => (i * 37 + seed) % vocab);
}

export function maxAbs(rows: ArrayLike<number>[]): number {
  let max = 0;
  for (const row of rows) for (let i = 0; i < row.length; i++) max = Math.max(max, Math.abs(row[i]));
  return max;
}

/**
 * Prefill all but the last token, then decode the last one through the KV cache, in ONNX Runtime and in the
 * reference alike (as transformers generates: cached keys keep the rotary they were computed with); the largest
 * |difference| of each step's logits.
 */
export async function prefillAndDecodeErrors(built: BuiltPair, tokens: number[]): Promise<{ prefill: number; decode: number }> {
  const cache = built.reference.emptyCache();
  const expectedPrefill = built.reference.forward(tokens.slice(0, -1), cache);
  const expectedStep = built.reference.forward(tokens.slice(-1), cache);
  const prefill = await runDecoder(built.decoder, tokens.slice(0, -1), emptyKv(built.decoder));
  const step = await runDecoder(built.decoder, tokens.slice(-1), prefill.kv);
  return { prefill: maxAbsDifference(prefill.logits, expectedPrefill), decode: maxAbsDifference(step.logits, expectedStep) };
}

/** The committed fixture of `arch` built at fp32 once for the enclosing describe block. */
export function useBuiltFixture(arch: TinyArchitecture): () => BuiltPair {
  let built: BuiltPair | undefined;
  beforeAll(async () => {
    built = await buildAndOpen(fixtureDir(arch));
  });
  afterAll(() => removeDir(built?.outDir));
  return () => built!;
}
