/**
 * The next token from the last position's logits: argmax when not sampling; otherwise Hugging Face's order of
 * warpers (temperature, then top-k, then top-p over the softmax) and one draw from the seeded source.
 * Vocabularies run to 100k+ tokens: only the few likely ones are sorted, never the whole row.
 */
import { argmax } from '../runtime/cascade/last-logits.ts';

export interface Sampling {
  doSample: boolean;
  temperature: number;
  /** 0 keeps every token. */
  topK: number;
  topP: number;
  random: () => number;
}

/** With top-k off, a nucleus is first looked for among this many of the likeliest tokens (a full sort is slow). */
const NUCLEUS_FIRST_LOOK = 1024;

export function sampleToken(logits: Float32Array, sampling: Sampling): number {
  if (!sampling.doSample) return argmax(logits);
  const candidates = topCandidates(logits, sampling);
  let draw = sampling.random() * candidates.reduce((sum, c) => sum + c.weight, 0);
  for (const candidate of candidates) {
    draw -= candidate.weight;
    if (draw < 0) return candidate.id;
  }
  return candidates[candidates.length - 1].id;
}

interface Candidate {
  id: number;
  weight: number;
}

/** Tokens left after top-k and top-p, most likely first, with unnormalised softmax weights. */
function topCandidates(logits: Float32Array, sampling: Sampling): Candidate[] {
  const vocab = logits.length;
  const top = logits[argmax(logits)];
  const ranked = (ids: number[]) => ids.map((id) => ({ id, weight: Math.exp((logits[id] - top) / sampling.temperature) }));
  const sum = (candidates: Candidate[]) => candidates.reduce((total, c) => total + c.weight, 0);
  if (sampling.topK > 0 && sampling.topK < vocab) {
    const kept = ranked(likeliest(logits, sampling.topK));
    return nucleus(kept, sum(kept), sampling.topP);
  }
  const all = ranked(Array.from({ length: vocab }, (_, id) => id));
  if (sampling.topP >= 1) return all;
  const total = sum(all);
  const first = ranked(likeliest(logits, Math.min(NUCLEUS_FIRST_LOOK, vocab)));
  return nucleus(sum(first) / total >= sampling.topP ? first : ranked(likeliest(logits, vocab)), total, sampling.topP);
}

/** The smallest run of the likeliest tokens whose probability reaches topP. */
function nucleus(ranked: Candidate[], total: number, topP: number): Candidate[] {
  const kept: Candidate[] = [];
  let mass = 0;
  for (const candidate of ranked) {
    kept.push(candidate);
    mass += candidate.weight / total;
    if (mass >= topP) break;
  }
  return kept;
}

/** Ids of the `count` largest logits, largest first (ties: lower id first), in one pass keeping a sorted short list. */
function likeliest(logits: Float32Array, count: number): number[] {
  if (count >= logits.length) return Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
  const ids: number[] = [];
  for (let id = 0; id < logits.length; id++) {
    const value = logits[id];
    if (ids.length === count && value <= logits[ids[count - 1]]) continue;
    let low = 0;
    let high = ids.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (logits[ids[middle]] >= value) low = middle + 1;
      else high = middle;
    }
    ids.splice(low, 0, id);
    if (ids.length > count) ids.pop();
  }
  return ids;
}
