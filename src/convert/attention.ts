/**
 * One layer's self-attention: q/k/v projections (or Phi-3's packed qkv_proj, fed to GroupQueryAttention as is),
 * GroupQueryAttention with rotary fused and the KV cache in/out (or the standard-operator form), then o_proj.
 */
import { floatAttr, intAttr } from '../onnx/make-attribute.ts';
import { tensorOf, type BuildContext } from './build-context.ts';
import { MICROSOFT_DOMAIN } from './graph-builder.ts';
import { addPlainAttention, splitPackedQkv } from './plain-attention.ts';
import type { PlainAttentionInputs } from './plain-attention-inputs.ts';
import type { RotaryCaches } from './rotary-caches.ts';
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

function projection(context: BuildContext, layer: number, proj: string, input: string): string {
  const module = `${layerPrefix(layer)}.self_attn.${proj}`;
  const bias = context.spec.qkvBias ? tensorOf(context, `${module}.bias`) : undefined;
  return context.emitLinear(context, { name: `/model/layers.${layer}/self_attn/${proj}`, module, input, weight: tensorOf(context, `${module}.weight`), bias, tied: false });
}

function queryKeyValue(context: BuildContext, layer: number, input: string): string[] {
  if (context.spec.fusedProjections) return [projection(context, layer, 'qkv_proj', input), '', ''];
  return ['q_proj', 'k_proj', 'v_proj'].map((proj) => projection(context, layer, proj, input));
}

/** Per-run values every layer's attention reads, by attention kind. */
export type SharedAttentionInputs =
  | { kind: 'group-query'; seqlensK: string; totalSequenceLength: string; rotary: RotaryCaches }
  | { kind: 'plain'; plain: PlainAttentionInputs; rotary: RotaryCaches };

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
  const { seqlensK, totalSequenceLength, rotary } = shared;
  const [attended] = graph.add({
    op: 'GroupQueryAttention',
    domain: MICROSOFT_DOMAIN,
    name,
    inputs: [...queryKeyValue(context, a.layer, a.input), a.io.pastKey, a.io.pastValue, seqlensK, totalSequenceLength, rotary.cos, rotary.sin],
    outputs: [`${name}/output_0`, a.io.presentKey, a.io.presentValue],
    module: `${layerPrefix(a.layer)}.self_attn`,
    attributes: [
      intAttr('num_heads', spec.numHeads),
      intAttr('kv_num_heads', spec.numKvHeads),
      floatAttr('scale', 1 / Math.sqrt(spec.headDim)),
      intAttr('local_window_size', localWindowSize(spec.slidingWindow)),
      intAttr('do_rotary', 1),
      intAttr('rotary_interleaved', 0),
    ],
  });
  return attended;
}

function addPlainAttentionLayer(context: BuildContext, a: AttentionInputs, shared: Shared<'plain'>): string {
  const projected = queryKeyValue(context, a.layer, a.input);
  const [query, key, value] = context.spec.fusedProjections ? splitPackedQkv(context, a.layer, projected[0]) : projected;
  return addPlainAttention(context, { layer: a.layer, query, key, value, io: a.io, shared: shared.plain, rotary: shared.rotary });
}

export function addAttention(context: BuildContext, a: AttentionInputs): string {
  const attended = a.shared.kind === 'group-query' ? addGroupQueryAttention(context, a, a.shared) : addPlainAttentionLayer(context, a, a.shared);
  const oProj = `${layerPrefix(a.layer)}.self_attn.o_proj`;
  return context.emitLinear(context, { name: `/model/layers.${a.layer}/self_attn/o_proj`, module: oProj, input: attended, weight: tensorOf(context, `${oProj}.weight`), tied: false });
}
