/**
 * One layer's MLP: down_proj(silu(gate_proj(x)) · up_proj(x)); Phi-3's fused gate_up_proj is split in half
 * (gate first). SiLU is Sigmoid and Mul under the activation module's name (act_fn, Phi-3's activation_fn).
 */
import { intAttr } from '../onnx/make-attribute.ts';
import { tensorOf, type BuildContext } from './build-context.ts';
import { layerPrefix } from './weight-names.ts';

function linear(context: BuildContext, layer: number, proj: string, input: string): string {
  const module = `${layerPrefix(layer)}.mlp.${proj}`;
  return context.emitLinear(context, { name: `/model/layers.${layer}/mlp/${proj}`, module, input, weight: tensorOf(context, `${module}.weight`), tied: false });
}

function gateAndUp(context: BuildContext, layer: number, input: string): string[] {
  if (!context.spec.fusedProjections) return [linear(context, layer, 'gate_proj', input), linear(context, layer, 'up_proj', input)];
  const fused = linear(context, layer, 'gate_up_proj', input);
  const inner = context.spec.intermediateSize;
  return context.graph.add({
    op: 'Split',
    name: `/model/layers.${layer}/mlp/Split`,
    inputs: [fused, context.graph.int64('/model/mlp/split_sizes', [inner, inner])],
    outputs: 2,
    module: `${layerPrefix(layer)}.mlp`,
    attributes: [intAttr('axis', -1)],
  });
}

export function addMlp(context: BuildContext, layer: number, input: string): string {
  const { graph, spec } = context;
  const [gate, up] = gateAndUp(context, layer, input);
  const actModule = `${layerPrefix(layer)}.mlp.${spec.fusedProjections ? 'activation_fn' : 'act_fn'}`;
  const actName = `/model/layers.${layer}/mlp/${spec.fusedProjections ? 'activation_fn' : 'act_fn'}`;
  const sigmoid = graph.add1({ op: 'Sigmoid', name: `${actName}/Sigmoid`, inputs: [gate], module: actModule });
  const activated = graph.add1({ op: 'Mul', name: `${actName}/Mul`, inputs: [gate, sigmoid], module: actModule });
  const gated = graph.add1({ op: 'Mul', name: `/model/layers.${layer}/mlp/Mul`, inputs: [activated, up], module: `${layerPrefix(layer)}.mlp` });
  return linear(context, layer, 'down_proj', gated);
}
