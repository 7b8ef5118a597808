import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureDir, type TinyArchitecture } from '../../scripts/make-fixtures.ts';
import { ReferenceDecoder } from './forward.ts';

/**
 * Logits Hugging Face transformers computed for the committed fixtures (crosscheck/hf_logits.py; first and last
 * row of each case kept). transformers builds its rotary tables in float32 even for a float64 model, which
 * accounts for differences of a few 1e-6.
 */
const HF_TOLERANCE = 1e-5;

interface HfCase {
  arch: TinyArchitecture;
  length: number;
  seed: number;
  decode: boolean;
  rows: Record<string, number[]>;
}

const hf = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'hf-logits.json'), 'utf8')) as { cases: HfCase[] };

function referenceRows(c: HfCase): Float64Array[] {
  const reference = new ReferenceDecoder(fixtureDir(c.arch));
  const ids = Array.from({ length: c.length }, (_, i) => (i * 37 + c.seed) % reference.config.vocab_size);
  const cache = reference.emptyCache();
  if (!c.decode) return reference.forward(ids, cache);
  reference.forward(ids.slice(0, -1), cache);
  return reference.forward(ids.slice(-1), cache);
}

describe('the float64 reference agrees with Hugging Face transformers', () => {
  it.each(hf.cases.map((c) => [`${c.arch} ×${c.length}${c.decode ? ' decode' : ''}`, c] as const))('%s', (_label, c) => {
    const ours = referenceRows(c);
    for (const [row, expected] of Object.entries(c.rows)) {
      const worst = Math.max(...expected.map((v, i) => Math.abs(v - ours[Number(row)][i])));
      expect(worst).toBeLessThanOrEqual(HF_TOLERANCE);
    }
  });
});
