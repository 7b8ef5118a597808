/**
 * Compare the TypeScript reference with logits Hugging Face transformers produced for the same prompts
 * (hf_logits.py's output): `node bin/run-ts.js test/reference/crosscheck/compare.ts HF.json`.
 */
import { readFileSync } from 'node:fs';
import { ReferenceDecoder } from '../forward.ts';

interface HfCase {
  arch: string;
  length: number;
  seed: number;
  decode: boolean;
  logits: number[][];
}

function referenceLogits(reference: ReferenceDecoder, ids: number[], decode: boolean): Float64Array[] {
  const cache = reference.emptyCache();
  if (!decode) return reference.forward(ids, cache);
  reference.forward(ids.slice(0, -1), cache);
  return reference.forward(ids.slice(-1), cache);
}

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8')) as HfCase[];
for (const c of cases) {
  const reference = new ReferenceDecoder(`fixtures/tiny-${c.arch}`);
  const ids = Array.from({ length: c.length }, (_, i) => (i * 37 + c.seed) % reference.config.vocab_size);
  const ours = referenceLogits(reference, ids, c.decode);
  let worst = 0;
  c.logits.forEach((row, r) => row.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ours[r][i])))));
  console.log(`${c.arch} length ${c.length}${c.decode ? ' (last token through the cache)' : ''}: max |HF − reference| = ${worst.toExponential(2)}`);
}
