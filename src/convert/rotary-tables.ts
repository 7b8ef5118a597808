/**
 * cos/sin caches for GroupQueryAttention's fused rotary ([positions, rotary_dim / 2]), computed in float64 from the
 * rope spec exactly as transformers derives its inverse frequencies (linear and llama3 scaling, longrope factors).
 */
import type { RopeSpec } from '../arch/rope-config.ts';

export interface RotaryTables {
  cos: Float32Array;
  sin: Float32Array;
  positions: number;
}

export function baseInverseFrequencies(theta: number, rotaryDim: number): number[] {
  return Array.from({ length: rotaryDim / 2 }, (_, i) => 1 / theta ** ((2 * i) / rotaryDim));
}

/** Llama 3.1's scaling: long wavelengths divided by `factor`, short ones kept, a smooth blend between. */
export function llama3InverseFrequencies(rope: Extract<RopeSpec, { kind: 'llama3' }>, rotaryDim: number): number[] {
  const lowFreqWavelen = rope.originalMaxPositions / rope.lowFreqFactor;
  const highFreqWavelen = rope.originalMaxPositions / rope.highFreqFactor;
  return baseInverseFrequencies(rope.theta, rotaryDim).map((frequency) => {
    const wavelen = (2 * Math.PI) / frequency;
    if (wavelen < highFreqWavelen) return frequency;
    if (wavelen > lowFreqWavelen) return frequency / rope.factor;
    const smooth = (rope.originalMaxPositions / wavelen - rope.lowFreqFactor) / (rope.highFreqFactor - rope.lowFreqFactor);
    return ((1 - smooth) * frequency) / rope.factor + smooth * frequency;
  });
}

export function scaledInverseFrequencies(theta: number, rotaryDim: number, factors: number[]): number[] {
  return baseInverseFrequencies(theta, rotaryDim).map((frequency, i) => frequency / factors[i]);
}

/** Inverse frequencies of a rope with one set of factors (longrope's two sets are picked per run, see rotary-caches). */
export function inverseFrequencies(rope: Exclude<RopeSpec, { kind: 'longrope' }>, rotaryDim: number): number[] {
  if (rope.kind === 'llama3') return llama3InverseFrequencies(rope, rotaryDim);
  const base = baseInverseFrequencies(rope.theta, rotaryDim);
  return rope.kind === 'linear' ? base.map((frequency) => frequency / rope.factor) : base;
}

export function rotaryTables(inverseFrequencies: number[], positions: number, multiplier = 1): RotaryTables {
  const half = inverseFrequencies.length;
  const cos = new Float32Array(positions * half);
  const sin = new Float32Array(positions * half);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * inverseFrequencies[i];
      cos[p * half + i] = Math.cos(angle) * multiplier;
      sin[p * half + i] = Math.sin(angle) * multiplier;
    }
  }
  return { cos, sin, positions };
}
