/**
 * One layer's self-attention: q/k/v projections (or Phi-3's packed qkv_proj, fed to GroupQueryAttention as is),
 * the per-head q/k RMSNorm where the family has it, GroupQueryAttention with rotary fused and the KV cache in/out
 * (or the standard-operator form), then o_proj. Each layer has its own window and rotary table (LayerAttention).
 */
import { floatAttr, intAttr } from '../onnx/make-attribute.ts';
import { tensorOf, type BuildContext } from './build-context.ts';
import { MICROSOFT_DOMAIN } from './graph-builder.ts';
import { addPlainAttention, splitPackedQkv } from './plain-attention.ts';
import type { PlainAttentionInputs } from './plain-attention-inputs.ts';
import { addRmsNorm } from './rms-norm.ts';
import { layerRotary, type RotaryCacheSet } from './rotary-caches.ts';
import { layerPrefix } from './weight-names.ts';

export interface LayerIo {
  pastKey: string;
  pastValue: string;
  presentKey: string;
  presentValue: string;
}

/**
 * transformers lets a query see the last sliding_window positions, itself included (kv > q − window); ONNX
 * Runtime's local_window_size counts the same way (checked against the reference); -1 = no window.
 */
export function localWindowSize(slidingWindow: number | undefined): number {
  return slidingWindow ?? -1;
}

function projection(context: BuildContext, layer: number, proj: string, input: string, bias: boolean): string {
  const module = `${layerPrefix(layer)}.self_attn.${proj}`;
  const biasTensor = bias ? tensorOf(context, `${module}.bias`) : undefined;
  return context.emitLinear(context, { name: `/model/layers.${layer}/self_attn/${proj}`, module, input, weight: tensorOf(context, `${module}.weight`), bias: biasTensor, tied: false });
}

/** RMSNorm of each head of `projected` ([B, S, heads·D]) with the D-wide weight of q_norm or k_norm. */
function headNorm(context: BuildContext, layer: number, norm: 'q_norm' | 'k_norm', projected: string): string {
  const { graph, spec } = context;
  const module = `${layerPrefix(layer)}.self_attn.${norm}`;
  const name = `/model/layers.${layer}/self_attn/${norm}`;
  const perHead = graph.add1({ op: 'Reshape', name: `${name}/Reshape`, inputs: [projected, graph.int64('/model/attention/heads_shape', [0, 0, -1, spec.headDim])], module });
  const normalized = addRmsNorm(context, { name, module }, perHead);
  return graph.add1({ op: 'Reshape', name: `${name}/Reshape_1`, inputs: [normalized, graph.int64('/model/attention/merged_shape', [0, 0, -1])], module });
}

/** Query, key and value as GroupQueryAttention takes them: packed (key and value '') or three, q/k normed. */
function queryKeyValue(context: BuildContext, layer: number, input: string): string[] {
  const { spec } = context;
  if (spec.fusedProjections) return [projection(context, layer, 'qkv_proj', input, spec.qkvBias), '', ''];
  const [query, key, value] = ['q_proj', 'k_proj', 'v_proj'].map((proj) => projection(context, layer, proj, input, spec.qkvBias));
  if (!spec.qkNorm) return [query, key, value];
  return [headNorm(context, layer, 'q_norm', query), headNorm(context, layer, 'k_norm', key), value];
}

/** Per-run values every layer's attention reads, by attention kind. */
export type SharedAttentionInputs =
  | { kind: 'group-query'; seqlensK: string; totalSequenceLength: string; rotary: RotaryCacheSet }
  | { kind: 'plain'; plain: PlainAttentionInputs; rotary: RotaryCacheSet };

export interface AttentionInputs {
  layer: number;
  input: string;
  io: LayerIo;
  shared: SharedAttentionInputs;
}

type Shared<K extends SharedAttentionInputs['kind']> = Extract<SharedAttentionInputs, { kind: K }>;

function addGroupQueryAttention(context: BuildContext, a: AttentionInputs, shared: Shared<'group-query'>): string {
  const { spec, graph } = context;
  const name = `/model/layers.${a.layer}/self_attn/GroupQueryAttention`;
  const rotary = layerRotary(context, shared.rotary, a.layer);
  const [attended] = graph.add({
    op: 'GroupQueryAttention',
    domain: MICROSOFT_DOMAIN,
    name,
    inputs: [...queryKeyValue(context, a.layer, a.input), a.io.pastKey, a.io.pastValue, shared.seqlensK, shared.totalSequenceLength, rotary?.cos ?? '', rotary?.sin ?? ''],
    outputs: [`${name}/output_0`, a.io.presentKey, a.io.presentValue],
    module: `${layerPrefix(a.layer)}.self_attn`,
    attributes: [
      intAttr('num_heads', spec.heads),
      intAttr('kv_num_heads', spec.kvHeads),
      floatAttr('scale', spec.attentionScale),
      intAttr('local_window_size', localWindowSize(spec.layerAttention[a.layer].slidingWindow)),
      intAttr('do_rotary', rotary ? 1 : 0),
      intAttr('rotary_interleaved', 0),
    ],
  });
  return attended;
}

function addPlainAttentionLayer(context: BuildContext, a: AttentionInputs, shared: Shared<'plain'>): string {
  const projected = queryKeyValue(context, a.layer, a.input);
  const [query, key, value] = context.spec.fusedProjections ? splitPackedQkv(context, a.layer, projected[0]) : projected;
  return addPlainAttention(context, { layer: a.layer, query, key, value, io: a.io, shared: shared.plain, rotary: layerRotary(context, shared.rotary, a.layer) });
}

export function addAttention(context: BuildContext, a: AttentionInputs): string {
  const attended = a.shared.kind === 'group-query' ? addGroupQueryAttention(context, a, a.shared) : addPlainAttentionLayer(context, a, a.shared);
  return projection(context, a.layer, 'o_proj', attended, context.spec.outputProjBias);
}
