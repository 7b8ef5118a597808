/**
 * One layer's MLP: down_proj(act(gate_proj(x)) · up_proj(x)); Phi-3's fused gate_up_proj is split in half (gate
 * first). The activation runs under its module's name (act_fn, Phi-3's activation_fn): SiLU as Sigmoid and Mul,
 * Gemma's gelu_pytorch_tanh as ONNX Gelu with approximate="tanh".
 */
import { intAttr, stringAttr } from '../onnx/make-attribute.ts';
import { tensorOf, type BuildContext } from './build-context.ts';
import { layerPrefix } from './weight-names.ts';

function linear(context: BuildContext, layer: number, proj: string, input: string): string {
  const module = `${layerPrefix(layer)}.mlp.${proj}`;
  const bias = context.spec.mlpBias ? tensorOf(context, `${module}.bias`) : undefined;
  return context.emitLinear(context, { name: `/model/layers.${layer}/mlp/${proj}`, module, input, weight: tensorOf(context, `${module}.weight`), bias, tied: false });
}

function gateAndUp(context: BuildContext, layer: number, input: string): string[] {
  if (!context.spec.fusedProjections) return [linear(context, layer, 'gate_proj', input), linear(context, layer, 'up_proj', input)];
  const fused = linear(context, layer, 'gate_up_proj', input);
  const inner = context.spec.intermediate;
  return context.graph.add({
    op: 'Split',
    name: `/model/layers.${layer}/mlp/Split`,
    inputs: [fused, context.graph.int64('/model/mlp/split_sizes', [inner, inner])],
    outputs: 2,
    module: `${layerPrefix(layer)}.mlp`,
    attributes: [intAttr('axis', -1)],
  });
}

function activate(context: BuildContext, layer: number, gate: string): string {
  const { graph, spec } = context;
  const act = spec.fusedProjections ? 'activation_fn' : 'act_fn';
  const at = (op: string) => ({ name: `/model/layers.${layer}/mlp/${act}/${op}`, module: `${layerPrefix(layer)}.mlp.${act}` });
  if (spec.mlpActivation === 'gelu_tanh') return graph.add1({ op: 'Gelu', ...at('Gelu'), inputs: [gate], attributes: [stringAttr('approximate', 'tanh')] });
  const sigmoid = graph.add1({ op: 'Sigmoid', ...at('Sigmoid'), inputs: [gate] });
  return graph.add1({ op: 'Mul', ...at('Mul'), inputs: [gate, sigmoid] });
}

export function addMlp(context: BuildContext, layer: number, input: string): string {
  const [gate, up] = gateAndUp(context, layer, input);
  const gated = context.graph.add1({ op: 'Mul', name: `/model/layers.${layer}/mlp/Mul`, inputs: [activate(context, layer, gate), up], module: `${layerPrefix(layer)}.mlp` });
  return linear(context, layer, 'down_proj', gated);
}
