/**
 * config.json fields that change a decoder's math, with the value at which each changes nothing. A family that
 * implements a field reads it itself; for every other family the field must be absent, null or neutral, or the
 * config is refused by name: converting it would silently compute something else.
 */
import { OliveError } from '../errors.ts';
import type { HfConfig } from '../hf/config.ts';

const never = (): boolean => false;
const equals = (neutral: unknown) => (value: unknown) => value === neutral;
const everyEntry = (neutral: unknown) => (value: unknown) => Array.isArray(value) && value.every((entry) => entry === neutral);

export const MATH_FIELDS = {
  hidden_act: equals('silu'),
  hidden_activation: never,
  partial_rotary_factor: equals(1),
  attention_bias: equals(false),
  mlp_bias: equals(false),
  lm_head_bias: equals(false),
  use_sliding_window: equals(false),
  layer_types: everyEntry('full_attention'),
  qk_norm: equals(false),
  use_qk_norm: equals(false),
  attn_logit_softcapping: never,
  final_logit_softcapping: never,
  query_pre_attn_scalar: never,
  rope_local_base_freq: never,
  embedding_multiplier: equals(1),
  residual_multiplier: equals(1),
  attention_multiplier: never,
  logits_scaling: equals(1),
  no_rope_layers: everyEntry(1),
  use_bidirectional_attention: equals(false),
} satisfies Record<string, (value: unknown) => boolean>;

export type MathField = keyof typeof MATH_FIELDS;

export function refuseField(field: string, value: unknown, why: string): never {
  throw new OliveError(`config.json: ${field} = ${JSON.stringify(value)} is not supported (${why}); converting it would give a wrong model`);
}

/** Refuse every math field that `family` does not implement and that the config sets to a non-neutral value. */
export function refuseUnimplementedFields(config: HfConfig, family: string, implemented: readonly MathField[]): void {
  for (const [field, isNeutral] of Object.entries(MATH_FIELDS) as [MathField, (value: unknown) => boolean][]) {
    const value = config[field];
    if (value === undefined || value === null || implemented.includes(field) || isNeutral(value)) continue;
    refuseField(field, value, `not implemented for ${family}`);
  }
}
