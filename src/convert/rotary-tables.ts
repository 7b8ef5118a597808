/**
 * cos/sin caches for GroupQueryAttention's fused rotary ([positions, head_dim / 2]), computed in float64 from the
 * rope spec exactly as transformers derives its inverse frequencies (llama3 smoothing, longrope factors).
 */
import type { RopeSpec } from './rope-spec.ts';

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
