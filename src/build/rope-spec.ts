/**
 * The rotary embedding a config asks for, validated: plain, Llama-3 scaled, or Phi-3 longrope. Any other
 * rope_scaling changes the math in ways not implemented here, so it is refused.
 */
import { OliveError } from '../errors.ts';
import type { HfConfig, RopeScaling } from '../hf/config.ts';

export type RopeSpec =
  | { kind: 'default'; theta: number }
  | { kind: 'llama3'; theta: number; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositions: number }
  | {
      kind: 'longrope';
      theta: number;
      shortFactor: number[];
      longFactor: number[];
      /** Above this total sequence length the long factors apply. */
      originalMaxPositions: number;
      /** Multiplies cos and sin (both factor sets), sqrt(1 + ln(s)/ln(original)) unless the config gives it. */
      attentionFactor: number;
    };

export const DEFAULT_ROPE_THETA = 10000;

function positiveNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !(value > 0)) throw new OliveError(`config.json: ${field} must be a positive number, got ${JSON.stringify(value)}`);
  return value;
}

function llama3Spec(theta: number, scaling: RopeScaling): RopeSpec {
  const low = positiveNumber(scaling.low_freq_factor, 'rope_scaling.low_freq_factor');
  const high = positiveNumber(scaling.high_freq_factor, 'rope_scaling.high_freq_factor');
  if (high <= low) throw new OliveError(`config.json: rope_scaling.high_freq_factor (${high}) must exceed low_freq_factor (${low})`);
  return {
    kind: 'llama3',
    theta,
    factor: positiveNumber(scaling.factor, 'rope_scaling.factor'),
    lowFreqFactor: low,
    highFreqFactor: high,
    originalMaxPositions: positiveNumber(scaling.original_max_position_embeddings, 'rope_scaling.original_max_position_embeddings'),
  };
}

function factorList(value: unknown, field: string, rotaryDim: number): number[] {
  if (!Array.isArray(value) || value.length !== rotaryDim / 2 || !value.every((v) => typeof v === 'number' && v > 0)) {
    throw new OliveError(`config.json: ${field} must be ${rotaryDim / 2} positive numbers (head_dim / 2)`);
  }
  return value as number[];
}

function longropeSpec(config: HfConfig, theta: number, scaling: RopeScaling, rotaryDim: number): RopeSpec {
  const original = positiveNumber(
    scaling.original_max_position_embeddings ?? config.original_max_position_embeddings,
    'original_max_position_embeddings',
  );
  const maxPositions = positiveNumber(config.max_position_embeddings, 'max_position_embeddings');
  const scale = maxPositions / original;
  const given = scaling.attention_factor;
  const attentionFactor = typeof given === 'number' ? given : scale <= 1 ? 1 : Math.sqrt(1 + Math.log(scale) / Math.log(original));
  return {
    kind: 'longrope',
    theta,
    shortFactor: factorList(scaling.short_factor, 'rope_scaling.short_factor', rotaryDim),
    longFactor: factorList(scaling.long_factor, 'rope_scaling.long_factor', rotaryDim),
    originalMaxPositions: original,
    attentionFactor,
  };
}

export function ropeSpec(config: HfConfig, rotaryDim: number): RopeSpec {
  const theta = config.rope_theta === undefined ? DEFAULT_ROPE_THETA : positiveNumber(config.rope_theta, 'rope_theta');
  const scaling = config.rope_scaling;
  if (!scaling) return { kind: 'default', theta };
  const type = scaling.rope_type ?? scaling.type ?? 'default';
  if (type === 'default') return { kind: 'default', theta };
  if (type === 'llama3') return llama3Spec(theta, scaling);
  // "su" is the name early Phi-3 configs used for longrope.
  if (type === 'longrope' || type === 'su') return longropeSpec(config, theta, scaling, rotaryDim);
  throw new OliveError(`config.json: rope_scaling type '${type}' is not supported (supported: default, llama3, longrope); building it would give a wrong model`);
}
