/** Multiply a value by a constant of the model's float type (the multipliers Gemma and Granite add); 1 adds nothing. */
import { encodeFloats } from '../onnx/float-formats.ts';
import type { BuildContext } from './build-context.ts';

export interface Scaling {
  /** Node name, e.g. /model/embed_tokens/Mul; the constant is named `<name>/scale`. */
  name: string;
  module: string;
  factor: number;
  /** Name the result this way (a graph output); otherwise the node names it. */
  output?: string;
}

export function addScale(context: BuildContext, input: string, scaling: Scaling): string {
  if (scaling.factor === 1 && scaling.output === undefined) return input;
  const bytes = encodeFloats(new Float32Array([scaling.factor]), context.format);
  const factor = context.graph.initializer(`${scaling.name}/scale`, context.floatType, [], { kind: 'bytes', bytes });
  const outputs = scaling.output ? { outputs: [scaling.output] } : {};
  return context.graph.add({ op: 'Mul', name: scaling.name, inputs: [input, factor], module: scaling.module, ...outputs })[0];
}
