/**
 * The next token from the last position's logits: argmax when not sampling; otherwise Hugging Face's order of
 * warpers (temperature, then top-k, then top-p over the softmax) and one draw from the seeded source.
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
  const ids = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
  const kept = sampling.topK > 0 ? ids.slice(0, sampling.topK) : ids;
  const top = logits[kept[0]];
  const weighted = kept.map((id) => ({ id, weight: Math.exp((logits[id] - top) / sampling.temperature) }));
  const total = weighted.reduce((sum, c) => sum + c.weight, 0);
  const nucleus: Candidate[] = [];
  let mass = 0;
  for (const candidate of weighted) {
    nucleus.push(candidate);
    mass += candidate.weight / total;
    if (mass >= sampling.topP) break;
  }
  return nucleus;
}
