import { describe, expect, it } from 'vitest';
import { greedyCuts } from '../../src/plan/greedy-cuts.ts';
import { measureSegments, type SegmentCost } from '../../src/plan/measure-segments.ts';
import { partitionBalanced } from '../../src/plan/partition-balanced.ts';
import type { ActivationRole, PlanUnit } from '../../src/plan/plan-units.ts';
import type { RuntimeModel } from '../../src/plan/types.ts';

const TRIALS = 400;
const MAX_UNITS = 10;

/** Small deterministic generator (mulberry32): a failure names its seed and replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tinyModel: RuntimeModel = {
  numLayers: 8, numKvHeads: 1, headDim: 2, hiddenSize: 3, intermediateSize: 4, vocabSize: 9, contextLength: 2, kvBytesPerElement: 1, activationBytesPerElement: 1,
};

/** Units as a table makes them: maybe an embedding, layers in order (some cut in pieces), maybe a head. */
function randomUnits(next: () => number): PlanUnit[] {
  const count = 1 + Math.floor(next() * MAX_UNITS);
  let layer = 0;
  return Array.from({ length: count }, (_, i) => {
    const outside = (i === 0 && next() < 0.3) || (i === count - 1 && next() < 0.3);
    if (!outside && i > 0 && next() < 0.5) layer += 1;
    const role: ActivationRole = outside ? (i === 0 ? 'hidden' : 'logits') : 'layer';
    const weightBytes = next() < 0.15 ? 0 : Math.floor(next() * 60);
    return { label: `unit ${i}`, modules: [`m${i}`], weightBytes, flops: 0, layer: outside ? null : layer, role };
  });
}

interface Score { count: number; largest: number; smallest: number }

/** Every one of the 2^(n-1) ways to cut n units: the fewest runs, then the least largest, then the greatest smallest. */
function bruteForce(cost: SegmentCost, count: number, budget: number): Score | null {
  let best: Score | null = null;
  for (let mask = 0; mask < 1 << (count - 1); mask++) {
    const ends = [...Array(count - 1).keys()].filter((i) => mask & (1 << i)).map((i) => i + 1).concat(count);
    const costs = ends.map((end, i) => cost(i === 0 ? 0 : ends[i - 1], end));
    if (costs.some((value) => value > budget)) continue;
    const score = { count: ends.length, largest: Math.max(...costs), smallest: Math.min(...costs) };
    if (!best || better(score, best)) best = score;
  }
  return best;
}

function better(a: Score, b: Score): boolean {
  if (a.count !== b.count) return a.count < b.count;
  if (a.largest !== b.largest) return a.largest < b.largest;
  return a.smallest > b.smallest;
}

function scoreOf(cost: SegmentCost, ends: readonly number[]): Score {
  const costs = ends.map((end, i) => cost(i === 0 ? 0 : ends[i - 1], end));
  return { count: ends.length, largest: Math.max(...costs), smallest: Math.min(...costs) };
}

describe('partitionBalanced matches a brute force over every cut', () => {
  it.each(['weights', 'runtime'] as const)(`on ${TRIALS} small random tables, budgeting %s`, (covers) => {
    for (let seed = 1; seed <= TRIALS; seed++) {
      const next = random(seed);
      const units = randomUnits(next);
      const measures = measureSegments(units, tinyModel);
      const cost = covers === 'weights' ? measures.weightBytes : measures.runtimeBytes;
      const largestUnit = Math.max(...units.map((_, i) => cost(i, i + 1)));
      const budget = largestUnit + Math.floor(next() * cost(0, units.length));
      const ends = partitionBalanced(cost, units.length, budget);
      expect(ends.at(-1), `seed ${seed}`).toBe(units.length);
      expect(scoreOf(cost, ends), `seed ${seed}`).toEqual(bruteForce(cost, units.length, budget));
    }
  });
});

describe('greedyCuts', () => {
  it('packs each run as long as it fits', () => {
    const weights = [5, 5, 5, 1, 9];
    const cost: SegmentCost = (start, end) => weights.slice(start, end).reduce((a, b) => a + b, 0);
    expect(greedyCuts(cost, weights.length, 10)).toEqual([2, 4, 5]);
  });

  it('gives null when one unit alone is over the limit', () => {
    const cost: SegmentCost = (start, end) => (end - start) * 7;
    expect(greedyCuts(cost, 3, 6)).toBeNull();
  });
});

describe('measureSegments', () => {
  it('counts the KV cache of every layer a run touches and its largest activation', () => {
    const units: PlanUnit[] = [
      { label: 'embed', modules: ['e'], weightBytes: 10, flops: 1, layer: null, role: 'hidden' },
      { label: 'a0', modules: ['a0'], weightBytes: 3, flops: 6, layer: 0, role: 'layer' },
      { label: 'b0', modules: ['b0'], weightBytes: 4, flops: 8, layer: 0, role: 'layer' },
      { label: 'a1', modules: ['a1'], weightBytes: 5, flops: 10, layer: 1, role: 'layer' },
      { label: 'head', modules: ['h'], weightBytes: 20, flops: 40, layer: null, role: 'logits' },
    ];
    const measures = measureSegments(units, tinyModel);
    const kvPerLayer = 2 * 1 * 2 * 2 * 1;
    expect(measures.layers(0, 1)).toBeNull();
    expect(measures.layers(0, 3)).toEqual([0, 0]);
    expect(measures.layers(2, 5)).toEqual([0, 1]);
    expect(measures.kvCacheBytes(2, 5)).toBe(2 * kvPerLayer);
    expect(measures.contents(0, 1)).toMatchObject({ kvLayers: 0, holdsLogits: false });
    expect(measures.contents(2, 5)).toMatchObject({ kvLayers: 2, holdsLogits: true });
    expect(measures.contents(1, 4).weights.otherBytes).toBe(12);
    // the largest activation of the run grows with it: the head's logits outweigh a layer's hidden state
    expect(measures.activationBytes(3, 5)).toBeGreaterThan(measures.activationBytes(3, 4));
    expect(measures.weightBytes(1, 4)).toBe(12);
    expect(measures.flops(0, 5)).toBe(65);
    // weights without a known use are loaded as they are: the peak is weights + KV cache + activations (no overhead)
    expect(measures.runtimeBytes(1, 3)).toBe(7 + kvPerLayer + measures.activationBytes(1, 3));
  });

  it('reports no runtime without a runtime model', () => {
    const units: PlanUnit[] = [{ label: 'a', modules: ['a'], weightBytes: 3, flops: 0, layer: 0, role: 'layer' }];
    const measures = measureSegments(units);
    expect(measures.runtimeBytes(0, 1)).toBe(3);
    expect(measures.kvCacheBytes(0, 1)).toBe(0);
  });
});
