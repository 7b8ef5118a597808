/**
 * Attention in standard operators plus com.microsoft.RotaryEmbedding, for targets whose GroupQueryAttention
 * kernel lacks the precision (CUDA has it for fp16 only). Grouped heads are handled without copying keys: queries
 * are laid out [B, kv_heads, group, S, D] and broadcast against keys [B, kv_heads, 1, T, D].
 */
import type { AttributeProto } from '../onnx/types.ts';
import { intAttr, intsAttr } from '../onnx/make-attribute.ts';
import type { BuildContext } from './build-context.ts';
import { encodeFloats } from '../onnx/float-formats.ts';
import { MICROSOFT_DOMAIN } from './graph-builder.ts';
import type { LayerIo } from './attention.ts';
import { maskOf, type PlainAttentionInputs } from './plain-attention-inputs.ts';
import type { RotaryCaches } from './rotary-caches.ts';
import { layerPrefix } from './weight-names.ts';

export interface PlainAttention {
  layer: number;
  /** Projections [B, S, heads·D], [B, S, kv_heads·D] ×2, already biased. */
  query: string;
  key: string;
  value: string;
  io: LayerIo;
  shared: PlainAttentionInputs;
  /** undefined: the layer has no rotary (SmolLM3's NoPE layers). */
  rotary: RotaryCaches | undefined;
}

/** Splits Phi-3's packed qkv_proj output into query, key and value. */
export function splitPackedQkv(context: BuildContext, layer: number, packed: string): string[] {
  const { graph, spec } = context;
  const sizes = [spec.heads * spec.headDim, spec.kvHeads * spec.headDim, spec.kvHeads * spec.headDim];
  return graph.add({
    op: 'Split',
    name: `/model/layers.${layer}/self_attn/Split`,
    inputs: [packed, graph.int64('/model/attention/qkv_split_sizes', sizes)],
    outputs: 3,
    module: `${layerPrefix(layer)}.self_attn`,
    attributes: [intAttr('axis', -1)],
  });
}

/** Adds nodes named `/model/layers.{i}/self_attn/<suffix>` under the layer's self_attn module. */
class LayerNodes {
  readonly name: string;
  readonly module: string;

  constructor(
    readonly context: BuildContext,
    layer: number,
  ) {
    this.name = `/model/layers.${layer}/self_attn`;
    this.module = `${layerPrefix(layer)}.self_attn`;
  }

  add(op: string, suffix: string, inputs: string[], attributes: AttributeProto[] = [], outputs?: string[]): string {
    return this.context.graph.add({ op, name: `${this.name}/${suffix}`, inputs, module: this.module, attributes, ...(outputs ? { outputs } : {}) })[0];
  }

  /** A shape or axes constant shared by every layer. */
  int64(suffix: string, values: number[]): string {
    return this.context.graph.int64(`/model/attention/${suffix}`, values);
  }
}

/** Rotary on the first rotary_dim channels of each head (all of them unless the rotary is partial). */
function rotate(nodes: LayerNodes, a: PlainAttention, input: string, heads: number, suffix: string): string {
  if (!a.rotary) return input;
  const { spec } = nodes.context;
  const partial = spec.rotaryDim < spec.headDim ? [intAttr('rotary_embedding_dim', spec.rotaryDim)] : [];
  return nodes.context.graph.add1({
    op: 'RotaryEmbedding',
    domain: MICROSOFT_DOMAIN,
    name: `${nodes.name}/${suffix}/RotaryEmbedding`,
    inputs: [input, a.shared.positions, a.rotary.cos, a.rotary.sin],
    module: nodes.module,
    attributes: [intAttr('num_heads', heads), intAttr('interleaved', 0), ...partial],
  });
}

/** Rotated queries as [B, kv_heads, group, S, D]. */
function groupedQueries(nodes: LayerNodes, a: PlainAttention): string {
  const { spec } = nodes.context;
  const shape = nodes.int64('query_shape', [0, 0, spec.kvHeads, spec.heads / spec.kvHeads, spec.headDim]);
  const split = nodes.add('Reshape', 'q/Reshape', [rotate(nodes, a, a.query, spec.heads, 'q_rotary'), shape]);
  return nodes.add('Transpose', 'q/Transpose', [split], [intsAttr('perm', [0, 2, 3, 1, 4])]);
}

/** New keys or values appended to the past ones: [B, kv_heads, T, D], which is also the present output. */
function appendToCache(nodes: LayerNodes, input: string, past: string, present: string, suffix: string): string {
  const { spec } = nodes.context;
  const split = nodes.add('Reshape', `${suffix}/Reshape`, [input, nodes.int64('kv_shape', [0, 0, spec.kvHeads, spec.headDim])]);
  const headsFirst = nodes.add('Transpose', `${suffix}/Transpose`, [split], [intsAttr('perm', [0, 2, 1, 3])]);
  return nodes.add('Concat', `${suffix}/Concat`, [past, headsFirst], [intAttr('axis', 2)], [present]);
}

function scaleConstant(context: BuildContext): string {
  const name = '/model/attention/scale';
  if (context.graph.hasInitializer(name)) return name;
  const bytes = encodeFloats(new Float32Array([context.spec.attentionScale]), context.format);
  return context.graph.initializer(name, context.floatType, [], { kind: 'bytes', bytes });
}

/** softmax(q·kᵀ·scale + mask)·v per group, back to [B, S, heads·D]. */
function attend(nodes: LayerNodes, queries: string, keys: string, values: string, mask: string): string {
  const groupAxis = nodes.int64('group_axis', [2]);
  const keysT = nodes.add('Unsqueeze', 'k/Unsqueeze', [nodes.add('Transpose', 'k/Transpose_1', [keys], [intsAttr('perm', [0, 1, 3, 2])]), groupAxis]);
  const scaled = nodes.add('Mul', 'Mul_scale', [nodes.add('MatMul', 'MatMul_scores', [queries, keysT]), scaleConstant(nodes.context)]);
  const probabilities = nodes.add('Softmax', 'Softmax', [nodes.add('Add', 'Add_mask', [scaled, mask])], [intAttr('axis', -1)]);
  const attended = nodes.add('MatMul', 'MatMul_values', [probabilities, nodes.add('Unsqueeze', 'v/Unsqueeze', [values, groupAxis])]);
  const tokensFirst = nodes.add('Transpose', 'Transpose_out', [attended], [intsAttr('perm', [0, 3, 1, 2, 4])]);
  return nodes.add('Reshape', 'Reshape_out', [tokensFirst, nodes.int64('merged_shape', [0, 0, -1])]);
}

export function addPlainAttention(context: BuildContext, a: PlainAttention): string {
  const nodes = new LayerNodes(context, a.layer);
  const keys = appendToCache(nodes, rotate(nodes, a, a.key, context.spec.kvHeads, 'k_rotary'), a.io.pastKey, a.io.presentKey, 'k');
  const values = appendToCache(nodes, a.value, a.io.pastValue, a.io.presentValue, 'v');
  return attend(nodes, groupedQueries(nodes, a), keys, values, maskOf(a.shared, context.spec.layerAttention[a.layer].slidingWindow));
}
