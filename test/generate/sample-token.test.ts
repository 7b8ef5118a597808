/** Sampling: greedy is argmax, a seed repeats, top-k and top-p keep only the likely tokens. */
import { describe, expect, it } from 'vitest';
import { sampleToken, type Sampling } from '../../src/generate/sample-token.ts';
import { seededRandom } from '../../src/generate/seeded-random.ts';

const logits = Float32Array.from([0.5, 2, 1.9, -1, 1.8, 0]);
const sampling = (seed: number, overrides: Partial<Sampling> = {}): Sampling => ({ doSample: true, temperature: 1, topK: 0, topP: 1, random: seededRandom(seed), ...overrides });
const draws = (options: Sampling, count = 200) => Array.from({ length: count }, () => sampleToken(logits, options));

describe('sampleToken', () => {
  it('takes the argmax when not sampling', () => {
    expect(sampleToken(logits, sampling(1, { doSample: false }))).toBe(1);
  });

  it('repeats with the same seed and differs with another', () => {
    expect(draws(sampling(7))).toEqual(draws(sampling(7)));
    expect(draws(sampling(7))).not.toEqual(draws(sampling(8)));
  });

  it('draws every token in proportion to its probability', () => {
    const seen = new Set(draws(sampling(3), 2000));
    expect(seen).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  });

  it('keeps only the k most likely tokens with top-k, and the nucleus with top-p', () => {
    expect(new Set(draws(sampling(3, { topK: 2 })))).toEqual(new Set([1, 2]));
    // p(1)+p(2) ≈ 0.62 of the mass: top-p 0.5 needs both
    expect(new Set(draws(sampling(3, { topP: 0.5 })))).toEqual(new Set([1, 2]));
    expect(new Set(draws(sampling(3, { topK: 1 })))).toEqual(new Set([1]));
  });

  it('finds the top-k of a large vocabulary, and the nucleus without top-k', () => {
    const random = seededRandom(9);
    const wide = Float32Array.from({ length: 50_000 }, () => random() * 4);
    const topFive = Array.from(wide.keys()).sort((a, b) => wide[b] - wide[a]).slice(0, 5);
    const topK = sampling(4, { topK: 5 });
    const drawn = Array.from({ length: 300 }, () => sampleToken(wide, topK));
    expect(new Set(drawn)).toEqual(new Set(topFive));
    wide[123] = 40;
    const topP = sampling(4, { topP: 0.5 });
    expect(new Set(Array.from({ length: 50 }, () => sampleToken(wide, topP)))).toEqual(new Set([123]));
  });

  it('sharpens toward the argmax at a low temperature', () => {
    expect(new Set(draws(sampling(5, { temperature: 0.01 })))).toEqual(new Set([1]));
  });
});
