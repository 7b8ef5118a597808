/**
 * Rotary inverse frequencies as Hugging Face transformers computes them (modeling_rope_utils): default, linear
 * (frequencies divided by the factor), llama3 scaling, and Phi-3 longrope with its short/long factors and
 * attention factor; `dim` is the rotated width (head_dim · partial_rotary_factor).
 */

export interface RopeTables {
  /** Inverse frequencies and cos/sin multiplier to use for a forward whose largest position is `maxPosition`. */
  select(maxPosition: number): { invFreq: number[]; attentionFactor: number };
}

function defaultInvFreq(base: number, dim: number): number[] {
  return Array.from({ length: dim / 2 }, (_, i) => 1 / base ** ((2 * i) / dim));
}

function llama3InvFreq(base: number, dim: number, scaling: Record<string, number>): number[] {
  const { factor, low_freq_factor: low, high_freq_factor: high, original_max_position_embeddings: oldContext } = scaling;
  const lowFreqWavelen = oldContext / low;
  const highFreqWavelen = oldContext / high;
  return defaultInvFreq(base, dim).map((freq) => {
    const wavelen = (2 * Math.PI) / freq;
    if (wavelen < highFreqWavelen) return freq;
    if (wavelen > lowFreqWavelen) return freq / factor;
    const smooth = (oldContext / wavelen - low) / (high - low);
    return ((1 - smooth) * freq) / factor + smooth * freq;
  });
}

function longropeTables(config: Record<string, any>, dim: number): RopeTables {
  const scaling = config.rope_scaling;
  const original = scaling.original_max_position_embeddings ?? config.original_max_position_embeddings;
  const scale = config.max_position_embeddings / original;
  const attentionFactor = scaling.attention_factor ?? (scale <= 1 ? 1 : Math.sqrt(1 + Math.log(scale) / Math.log(original)));
  const withFactors = (factors: number[]) => defaultInvFreq(config.rope_theta, dim).map((freq, i) => freq / factors[i]);
  const short = withFactors(scaling.short_factor);
  const long = withFactors(scaling.long_factor);
  // transformers picks the long factors once the sequence (largest position + 1) exceeds the original context.
  return { select: (maxPosition) => ({ invFreq: maxPosition + 1 > original ? long : short, attentionFactor }) };
}

export function ropeTables(config: Record<string, any>, dim: number): RopeTables {
  const scaling = config.rope_scaling;
  const type = scaling?.rope_type ?? scaling?.type ?? 'default';
  const base = config.rope_theta ?? 10000;
  if (type === 'longrope') return longropeTables(config, dim);
  if (type !== 'llama3' && type !== 'default' && type !== 'linear') throw new Error(`reference: rope type ${type} not modelled`);
  const invFreq = type === 'llama3' ? llama3InvFreq(base, dim, scaling) : defaultInvFreq(base, dim).map((freq) => (type === 'linear' ? freq / scaling.factor : freq));
  return { select: () => ({ invFreq, attentionFactor: 1 }) };
}
