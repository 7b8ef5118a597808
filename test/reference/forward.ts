/**
 * A plain float64 forward pass of the supported decoders, written from the Hugging Face modeling code
 * (modeling_llama/mistral/qwen2/phi3/qwen3/smollm3/granite/gemma3), independently of src/: RMSNorm (Gemma's with
 * 1 + weight), rotate-half rotary on the first rotary_dim channels (partial for Phi-4-mini, per-layer tables for
 * Gemma 3, none in SmolLM3's NoPE layers), per-head q/k norm (Qwen3, Gemma 3), grouped-query attention with causal
 * and per-layer sliding-window masks, SiLU- or GELU-tanh-gated MLP, Granite's multipliers, Gemma's sandwich norms,
 * embedding scale and logit soft-capping, with a KV cache: forward() consumes new tokens after what it holds.
 */
import { loadConfig, loadWeights, type Weight } from './load-weights.ts';
import { ropeTables, type RopeTables } from './rope.ts';
import { layerPlan, type LayerPlan, type ModelMath } from './model-math.ts';

type Vector = Float64Array;

/** Per layer, the rotated keys and the values of every position seen so far. */
export interface KvCache {
  keys: Vector[][];
  values: Vector[][];
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

function rmsNorm(x: Vector, weight: Weight, eps: number, offset: number): Vector {
  let squares = 0;
  for (const v of x) squares += v * v;
  const scale = 1 / Math.sqrt(squares / x.length + eps);
  return x.map((v, i) => v * scale * (offset + weight.data[i]));
}

/** The RMSNorm of each head-sized slice of `x` (q_norm / k_norm). */
function headNorm(x: Vector, heads: number, headDim: number, weight: Weight, eps: number, offset: number): Vector {
  const out = new Float64Array(x.length);
  for (let h = 0; h < heads; h++) out.set(rmsNorm(x.subarray(h * headDim, (h + 1) * headDim), weight, eps, offset), h * headDim);
  return out;
}

const silu = (v: number) => v / (1 + Math.exp(-v));
/** gelu_pytorch_tanh: 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))). */
const geluTanh = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

function add(a: Vector, b: Vector, scaleB = 1): Vector {
  return a.map((v, i) => v + b[i] * scaleB);
}

/** Rotate-half rotary of the first `rotaryDim` channels of each head of `x` in place (apply_rotary_pos_emb). */
function rotate(x: Vector, heads: number, headDim: number, rotaryDim: number, position: number, rope: { invFreq: number[]; attentionFactor: number }): void {
  const half = rotaryDim / 2;
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
  private readonly math: ModelMath;
  private readonly layers: LayerPlan[];
  private readonly ropes: { global: RopeTables; local: RopeTables | undefined };

  constructor(dir: string) {
    this.config = loadConfig(dir);
    this.weights = loadWeights(dir);
    ({ math: this.math, layers: this.layers } = layerPlan(this.config));
    this.ropes = { global: ropeTables(this.config, this.math.rotaryDim), local: this.math.localRopeBase === undefined ? undefined : ropeTables({ rope_theta: this.math.localRopeBase }, this.math.rotaryDim) };
  }

  emptyCache(): KvCache {
    return { keys: this.layers.map(() => []), values: this.layers.map(() => []) };
  }

  private w(name: string): Weight {
    const weight = this.weights.get(name);
    if (!weight) throw new Error(`reference: no tensor ${name}`);
    return weight;
  }

  private norm(name: string, x: Vector): Vector {
    return rmsNorm(x, this.w(`${name}.weight`), this.math.eps, this.math.normOffset);
  }

  /** Logits for each new token; the cache grows by the new tokens. */
  forward(tokens: number[], cache: KvCache): Vector[] {
    const past = cache.keys[0].length;
    let states = tokens.map((t) => this.embed(t));
    for (let layer = 0; layer < this.layers.length; layer++) {
      states = this.attentionBlock(layer, states, past, cache);
      states = states.map((h) => this.mlpBlock(layer, h));
    }
    return states.map((h) => this.lmHead(this.norm('model.norm', h)));
  }

  private embed(token: number): Vector {
    const table = this.w('model.embed_tokens.weight');
    const hidden = table.shape[1];
    return table.data.slice(token * hidden, (token + 1) * hidden).map((v) => v * this.math.embeddingScale);
  }

  private lmHead(h: Vector): Vector {
    const tied = this.math.tiedEmbeddings;
    const logits = linear(this.w(tied ? 'model.embed_tokens.weight' : 'lm_head.weight'), h).map((v) => v / this.math.logitsScaling);
    const cap = this.math.finalLogitSoftcap;
    return cap === undefined ? logits : logits.map((v) => cap * Math.tanh(v / cap));
  }

  private projections(layer: number, x: Vector): { q: Vector; k: Vector; v: Vector } {
    const prefix = `model.layers.${layer}.self_attn`;
    const { heads, kvHeads, headDim } = this.math;
    if (this.weights.has(`${prefix}.qkv_proj.weight`)) {
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

  private attentionBlock(layer: number, states: Vector[], past: number, cache: KvCache): Vector[] {
    const { heads, kvHeads, headDim, rotaryDim, eps, normOffset } = this.math;
    const plan = this.layers[layer];
    const prefix = `model.layers.${layer}`;
    const tables = plan.rotary === 'local' ? this.ropes.local! : this.ropes.global;
    // longrope picks its factors from the whole sequence's length, once per forward
    const rope = tables.select(past + states.length - 1);
    const queries: Vector[] = [];
    states.forEach((h, s) => {
      let { q, k, v } = this.projections(layer, this.norm(`${prefix}.input_layernorm`, h));
      if (this.weights.has(`${prefix}.self_attn.q_norm.weight`)) {
        q = headNorm(q, heads, headDim, this.w(`${prefix}.self_attn.q_norm.weight`), eps, normOffset);
        k = headNorm(k, kvHeads, headDim, this.w(`${prefix}.self_attn.k_norm.weight`), eps, normOffset);
      }
      if (plan.rotary !== 'none') {
        rotate(q, heads, headDim, rotaryDim, past + s, rope);
        rotate(k, kvHeads, headDim, rotaryDim, past + s, rope);
      }
      queries.push(q);
      cache.keys[layer].push(k);
      cache.values[layer].push(v);
    });
    const oProj = this.w(`${prefix}.self_attn.o_proj.weight`);
    const oBias = this.weights.get(`${prefix}.self_attn.o_proj.bias`);
    return states.map((h, s) => {
      let out = linear(oProj, this.attend(queries[s], past + s, plan.window, cache.keys[layer], cache.values[layer]), oBias);
      if (this.math.sandwichNorms) out = this.norm(`${prefix}.post_attention_layernorm`, out);
      return add(h, out, this.math.residualMultiplier);
    });
  }

  /** Softmax attention of one query position over the visible cached positions, all heads concatenated. */
  private attend(q: Vector, position: number, window: number, keys: Vector[], values: Vector[]): Vector {
    const { heads, kvHeads, headDim, attentionScale } = this.math;
    const out = new Float64Array(heads * headDim);
    const first = Math.max(0, position - window + 1);
    for (let h = 0; h < heads; h++) {
      const kvBase = Math.floor(h / (heads / kvHeads)) * headDim;
      const scores: number[] = [];
      for (let j = first; j <= position; j++) {
        let dot = 0;
        for (let d = 0; d < headDim; d++) dot += q[h * headDim + d] * keys[j][kvBase + d];
        scores.push(dot * attentionScale);
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
    const prefix = `model.layers.${layer}`;
    const mlp = `${prefix}.mlp`;
    const x = this.norm(`${prefix}.${this.math.sandwichNorms ? 'pre_feedforward_layernorm' : 'post_attention_layernorm'}`, h);
    const bias = (name: string) => this.weights.get(`${mlp}.${name}.bias`);
    let gate: Vector;
    let up: Vector;
    if (this.weights.has(`${mlp}.gate_up_proj.weight`)) {
      const gateUp = linear(this.w(`${mlp}.gate_up_proj.weight`), x);
      const half = gateUp.length / 2;
      gate = gateUp.slice(0, half);
      up = gateUp.slice(half);
    } else {
      gate = linear(this.w(`${mlp}.gate_proj.weight`), x, bias('gate_proj'));
      up = linear(this.w(`${mlp}.up_proj.weight`), x, bias('up_proj'));
    }
    const act = this.math.activation === 'gelu_pytorch_tanh' ? geluTanh : silu;
    let out = linear(this.w(`${mlp}.down_proj.weight`), gate.map((g, i) => act(g) * up[i]), bias('down_proj'));
    if (this.math.sandwichNorms) out = this.norm(`${prefix}.post_feedforward_layernorm`, out);
    return add(h, out, this.math.residualMultiplier);
  }
}
