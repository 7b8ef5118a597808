/** Test helpers: build a checkpoint folder into a temporary folder and open it next to the reference model. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildDecoder, type BuildOptions, type BuildResult } from '../../src/convert/index.ts';
import type { FloatPrecision } from '../../src/precisions.ts';
import { ReferenceDecoder } from '../reference/forward.ts';
import { openDecoder, type OrtDecoder } from './ort-decoder.ts';

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
