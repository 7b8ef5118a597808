/** The Cast nodes fp16 conversion inserts between values of one precision and readers that need the other. */
import { DataType } from '../../onnx/data-types.ts';
import type { GraphProto, NodeProto } from '../../onnx/types.ts';
import { intAttr } from '../../onnx/make-attribute.ts';
import type { UniqueNames } from '../graph/unique-names.ts';
import type { FloatPrecision } from '../../precisions.ts';
import type { PrecisionPlan } from './plan-precisions.ts';

/** Cast nodes made on demand, one per (value, precision), emitted just before their first reader. */
export class CastMaker {
  count = 0;
  private readonly made = new Map<string, string>();
  private pending: NodeProto[] = [];

  constructor(private readonly names: UniqueNames) {}

  castOf(value: string, to: FloatPrecision): string {
    const key = `${value}\u0000${to}`;
    const existing = this.made.get(key);
    if (existing) return existing;
    const output = this.names.make(`${value}_${to}`);
    this.pending.push(castNode(this.names.make(`${output}_Cast`), value, output, to));
    this.made.set(key, output);
    this.count += 1;
    return output;
  }

  takePending(): NodeProto[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }
}

export function castNode(name: string, input: string, output: string, to: FloatPrecision): NodeProto {
  return { name, op_type: 'Cast', domain: '', input: [input], output: [output], attribute: [intAttr('to', to === 'fp16' ? DataType.FLOAT16 : DataType.FLOAT)] };
}

/**
 * Float graph outputs all in one precision (float32 with keepIoTypes, else float16): an output computed in the
 * other is renamed inside the graph and a Cast restores the name the caller knows. Returns the outputs so cast
 * (original name → internal name).
 */
export function castFloatOutputs(graph: GraphProto, node: NodeProto[], plan: PrecisionPlan, names: UniqueNames, wanted: FloatPrecision): Map<string, string> {
  const cast = new Map<string, string>();
  for (const output of graph.output ?? []) {
    const name = output.name ?? '';
    const has = plan.precision.get(name);
    if (!has || has === wanted) continue;
    const internal = names.make(`${name}_${has}`);
    for (const n of node) {
      n.input = (n.input ?? []).map((v) => (v === name ? internal : v));
      n.output = (n.output ?? []).map((v) => (v === name ? internal : v));
    }
    node.push(castNode(names.make(`${name}_Cast`), internal, name, wanted));
    cast.set(name, internal);
  }
  return cast;
}
