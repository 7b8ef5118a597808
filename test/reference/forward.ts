/**
 * A plain float64 forward pass of Llama / Mistral / Qwen2 / Phi-3 decoders, written from the Hugging Face modeling
 * code (RMSNorm, rotate-half rotary, grouped-query attention with causal and sliding-window masks, SiLU-gated MLP),
 * with a KV cache: forward() consumes new tokens after whatever the cache already holds.
 */
import { loadConfig, loadWeights, type Weight } from './load-weights.ts';
import { ropeTables, type RopeTables } from './rope.ts';

type Vector = Float64Array;

interface Dimensions {
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  layers: number;
  eps: number;
  /** Keys further back than this many positions (self included) are masked; Infinity when none. */
  window: number;
}

/** Per layer, the rotated keys and the values of every position seen so far. */
export interface KvCache {
  keys: Vector[][];
  values: Vector[][];
}

function dimensions(config: Record<string, any>): Dimensions {
  const heads = config.num_attention_heads;
  const slidingOn = config.sliding_window != null && config.use_sliding_window !== false;
  return {
    hidden: config.hidden_size,
    heads,
    kvHeads: config.num_key_value_heads ?? heads,
    headDim: config.head_dim ?? config.hidden_size / heads,
    layers: config.num_hidden_layers,
    eps: config.rms_norm_eps,
    window: slidingOn ? config.sliding_window : Infinity,
  };
}

/** y = W x (+ b) for W stored [out, in] as in PyTorch's Linear. */
function linear(weight: Weight, x: Vector, bias?: Weight): Vector {
  const [out, inFeatures] = weight.shape;
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let sum = bias ? bias.data[o] : 0;
    const row = o * inFeatures;
    for (let i = 0; i < inFeatures; i++) sum += weight.data[row + i] * x[i];
    y[o] = sum;
  }
  return y;
}

function rmsNorm(x: Vector, weight: Weight, eps: number): Vector {
  let squares = 0;
  for (const v of x) squares += v * v;
  const scale = 1 / Math.sqrt(squares / x.length + eps);
  return x.map((v, i) => v * scale * weight.data[i]);
}

const silu = (v: number) => v / (1 + Math.exp(-v));

function add(a: Vector, b: Vector): Vector {
  return a.map((v, i) => v + b[i]);
}

/** Rotate-half rotary embedding of each head of `x` in place, as apply_rotary_pos_emb does. */
function rotate(x: Vector, heads: number, headDim: number, position: number, rope: { invFreq: number[]; attentionFactor: number }): void {
  const half = headDim / 2;
  for (let h = 0; h < heads; h++) {
    const base = h * headDim;
    for (let i = 0; i < half; i++) {
      const angle = position * rope.invFreq[i];
      const cos = Math.cos(angle) * rope.attentionFactor;
      const sin = Math.sin(angle) * rope.attentionFactor;
      const a = x[base + i];
      const b = x[base + i + half];
      x[base + i] = a * cos - b * sin;
      x[base + i + half] = b * cos + a * sin;
    }
  }
}

export class ReferenceDecoder {
  readonly config: Record<string, any>;
  private readonly weights: Map<string, Weight>;
  private readonly dims: Dimensions;
  private readonly rope: RopeTables;

  constructor(dir: string) {
    this.config = loadConfig(dir);
    this.weights = loadWeights(dir);
    this.dims = dimensions(this.config);
    this.rope = ropeTables(this.config, this.dims.headDim);
  }

  emptyCache(): KvCache {
    return { keys: Array.from({ length: this.dims.layers }, () => []), values: Array.from({ length: this.dims.layers }, () => []) };
  }

  private w(name: string): Weight {
    const weight = this.weights.get(name);
    if (!weight) throw new Error(`reference: no tensor ${name}`);
    return weight;
  }

  private isPhi3(): boolean {
    return this.config.model_type === 'phi3';
  }

  /** Logits for each new token; the cache grows by the new tokens. */
  forward(tokens: number[], cache: KvCache): Vector[] {
    const past = cache.keys[0].length;
    const rope = this.rope.select(past + tokens.length - 1);
    let states = tokens.map((t) => this.embed(t));
    for (let layer = 0; layer < this.dims.layers; layer++) {
      states = this.attentionBlock(layer, states, past, rope, cache);
      states = states.map((h) => this.mlpBlock(layer, h));
    }
    return states.map((h) => this.lmHead(rmsNorm(h, this.w('model.norm.weight'), this.dims.eps)));
  }

  private embed(token: number): Vector {
    const table = this.w('model.embed_tokens.weight');
    const hidden = table.shape[1];
    return table.data.slice(token * hidden, (token + 1) * hidden);
  }

  private lmHead(h: Vector): Vector {
    const tied = this.config.tie_word_embeddings === true;
    return linear(this.w(tied ? 'model.embed_tokens.weight' : 'lm_head.weight'), h);
  }

  private projections(layer: number, x: Vector): { q: Vector; k: Vector; v: Vector } {
    const prefix = `model.layers.${layer}.self_attn`;
    const { heads, kvHeads, headDim } = this.dims;
    if (this.isPhi3()) {
      const qkv = linear(this.w(`${prefix}.qkv_proj.weight`), x);
      const q = heads * headDim;
      const kv = kvHeads * headDim;
      return { q: qkv.slice(0, q), k: qkv.slice(q, q + kv), v: qkv.slice(q + kv, q + 2 * kv) };
    }
    const bias = (name: string) => this.weights.get(`${prefix}.${name}.bias`);
    return {
      q: linear(this.w(`${prefix}.q_proj.weight`), x, bias('q_proj')),
      k: linear(this.w(`${prefix}.k_proj.weight`), x, bias('k_proj')),
      v: linear(this.w(`${prefix}.v_proj.weight`), x, bias('v_proj')),
    };
  }

  private attentionBlock(layer: number, states: Vector[], past: number, rope: { invFreq: number[]; attentionFactor: number }, cache: KvCache): Vector[] {
    const { heads, kvHeads, headDim, eps } = this.dims;
    const queries: Vector[] = [];
    states.forEach((h, s) => {
      const { q, k, v } = this.projections(layer, rmsNorm(h, this.w(`model.layers.${layer}.input_layernorm.weight`), eps));
      rotate(q, heads, headDim, past + s, rope);
      rotate(k, kvHeads, headDim, past + s, rope);
      queries.push(q);
      cache.keys[layer].push(k);
      cache.values[layer].push(v);
    });
    const oProj = this.w(`model.layers.${layer}.self_attn.o_proj.weight`);
    return states.map((h, s) => add(h, linear(oProj, this.attend(queries[s], past + s, cache.keys[layer], cache.values[layer]))));
  }

  /** Softmax attention of one query position over the visible cached positions, all heads concatenated. */
  private attend(q: Vector, position: number, keys: Vector[], values: Vector[]): Vector {
    const { heads, kvHeads, headDim, window } = this.dims;
    const out = new Float64Array(heads * headDim);
    const first = Math.max(0, position - window + 1);
    const scale = 1 / Math.sqrt(headDim);
    for (let h = 0; h < heads; h++) {
      const kvBase = Math.floor(h / (heads / kvHeads)) * headDim;
      const scores: number[] = [];
      for (let j = first; j <= position; j++) {
        let dot = 0;
        for (let d = 0; d < headDim; d++) dot += q[h * headDim + d] * keys[j][kvBase + d];
        scores.push(dot * scale);
      }
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const total = exps.reduce((a, b) => a + b, 0);
      exps.forEach((e, i) => {
        for (let d = 0; d < headDim; d++) out[h * headDim + d] += (e / total) * values[first + i][kvBase + d];
      });
    }
    return out;
  }

  private mlpBlock(layer: number, h: Vector): Vector {
    const prefix = `model.layers.${layer}.mlp`;
    const x = rmsNorm(h, this.w(`model.layers.${layer}.post_attention_layernorm.weight`), this.dims.eps);
    let gate: Vector;
    let up: Vector;
    if (this.isPhi3()) {
      const gateUp = linear(this.w(`${prefix}.gate_up_proj.weight`), x);
      const half = gateUp.length / 2;
      gate = gateUp.slice(0, half);
      up = gateUp.slice(half);
    } else {
      gate = linear(this.w(`${prefix}.gate_proj.weight`), x);
      up = linear(this.w(`${prefix}.up_proj.weight`), x);
    }
    return add(h, linear(this.w(`${prefix}.down_proj.weight`), gate.map((g, i) => silu(g) * up[i])));
  }
}
