/**
 * One layer's self-attention: q/k/v projections (or Phi-3's packed qkv_proj, fed to GroupQueryAttention as is),
 * GroupQueryAttention with rotary fused and the KV cache in/out, then o_proj.
 */
import { floatAttribute, intAttribute } from './attributes.ts';
import { tensorOf, type BuildContext } from './build-context.ts';
import { MICROSOFT_DOMAIN } from './graph-builder.ts';
import type { RotaryCaches } from './rotary-caches.ts';
import type { SequenceLengths } from './sequence-lengths.ts';
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

export interface AttentionInputs {
  layer: number;
  input: string;
  io: LayerIo;
  lengths: SequenceLengths;
  rotary: RotaryCaches;
}

export function addAttention(context: BuildContext, a: AttentionInputs): string {
  const { spec, graph } = context;
  const module = `${layerPrefix(a.layer)}.self_attn`;
  const name = `/model/layers.${a.layer}/self_attn/GroupQueryAttention`;
  const [attended] = graph.add({
    op: 'GroupQueryAttention',
    domain: MICROSOFT_DOMAIN,
    name,
    inputs: [...queryKeyValue(context, a.layer, a.input), a.io.pastKey, a.io.pastValue, a.lengths.seqlensK, a.lengths.totalSequenceLength, a.rotary.cos, a.rotary.sin],
    outputs: [`${name}/output_0`, a.io.presentKey, a.io.presentValue],
    module,
    attributes: [
      intAttribute('num_heads', spec.numHeads),
      intAttribute('kv_num_heads', spec.numKvHeads),
      floatAttribute('scale', 1 / Math.sqrt(spec.headDim)),
      intAttribute('local_window_size', localWindowSize(spec.slidingWindow)),
      intAttribute('do_rotary', 1),
      intAttribute('rotary_interleaved', 0),
    ],
  });
  const oProj = `${module}.o_proj`;
  return context.emitLinear(context, { name: `/model/layers.${a.layer}/self_attn/o_proj`, module: oProj, input: attended, weight: tensorOf(context, `${oProj}.weight`), tied: false });
}
