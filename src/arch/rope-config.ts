/**
 * The rotary embedding a config asks for, validated: plain, linear (positions divided by a factor, Gemma 3's
 * global layers), Llama-3 scaled, or Phi-3 longrope. Any other rope_scaling changes the math in ways not
 * implemented here, so it is refused.
 */
import { OliveError } from '../errors.ts';
import type { HfConfig, RopeScaling } from '../hf/config.ts';

export type RopeSpec =
  | { kind: 'default'; theta: number }
  | { kind: 'linear'; theta: number; factor: number }
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
    throw new OliveError(`config.json: ${field} must be ${rotaryDim / 2} positive numbers (rotary dimension / 2)`);
  }
  return value as number[];
}

function longropeSpec(config: HfConfig, theta: number, scaling: RopeScaling, rotaryDim: number): RopeSpec {
  const original = positiveNumber(
    config.original_max_position_embeddings ?? scaling.original_max_position_embeddings,
    'original_max_position_embeddings',
  );
  const maxPositions = positiveNumber(config.max_position_embeddings, 'max_position_embeddings');
  // As transformers: the ratio of context lengths when config.json has a top-level original length, else `factor`.
  const given = typeof scaling.factor === 'number' && config.original_max_position_embeddings === undefined ? scaling.factor : undefined;
  const scale = given ?? maxPositions / original;
  const attentionFactor = typeof scaling.attention_factor === 'number' ? scaling.attention_factor : scale <= 1 ? 1 : Math.sqrt(1 + Math.log(scale) / Math.log(original));
  return {
    kind: 'longrope',
    theta,
    shortFactor: factorList(scaling.short_factor, 'rope_scaling.short_factor', rotaryDim),
    longFactor: factorList(scaling.long_factor, 'rope_scaling.long_factor', rotaryDim),
    originalMaxPositions: original,
    attentionFactor,
  };
}

/**
 * transformers 5 writes rope settings as `rope_parameters` (rope_theta inside it); older configs use
 * `rope_scaling` and a top-level rope_theta. Either way the same fields.
 */
export function ropeParameters(config: HfConfig): RopeScaling | undefined {
  const parameters = (config.rope_parameters ?? config.rope_scaling) as RopeScaling | null | undefined;
  return parameters ?? undefined;
}

/** The rope of `scaling` (undefined: plain) at base `givenTheta`, over the first `rotaryDim` channels of a head. */
export function ropeSpec(config: HfConfig, scaling: RopeScaling | undefined, givenTheta: unknown, rotaryDim: number): RopeSpec {
  const theta = givenTheta === undefined ? DEFAULT_ROPE_THETA : positiveNumber(givenTheta, 'rope_theta');
  if (!scaling) return { kind: 'default', theta };
  const type = scaling.rope_type ?? scaling.type ?? 'default';
  if (type === 'default') return { kind: 'default', theta };
  if (type === 'linear') return { kind: 'linear', theta, factor: positiveNumber(scaling.factor, 'rope_scaling.factor') };
  if (type === 'llama3') return llama3Spec(theta, scaling);
  // "su" is the name early Phi-3 configs used for longrope.
  if (type === 'longrope' || type === 'su') return longropeSpec(config, theta, scaling, rotaryDim);
  throw new OliveError(`config.json: rope_scaling type '${type}' is not supported (supported: default, linear, llama3, longrope); building it would give a wrong model`);
}
