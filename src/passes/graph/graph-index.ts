/** Lookups over one graph that the passes need: initializers by name, producer and consumers of each value. */
import type { GraphProto, NodeProto, TensorProto } from '../../onnx/types.ts';

export interface GraphIndex {
  initializers: Map<string, TensorProto>;
  producers: Map<string, NodeProto>;
  consumers: Map<string, NodeProto[]>;
  graphInputs: Set<string>;
  graphOutputs: Set<string>;
}

export function indexGraph(graph: GraphProto): GraphIndex {
  const producers = new Map<string, NodeProto>();
  const consumers = new Map<string, NodeProto[]>();
  for (const node of graph.node ?? []) {
    for (const output of node.output ?? []) if (output) producers.set(output, node);
    for (const input of node.input ?? []) {
      if (!input) continue;
      const list = consumers.get(input) ?? [];
      if (!list.includes(node)) list.push(node);
      consumers.set(input, list);
    }
  }
  return {
    initializers: new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t])),
    producers,
    consumers,
    graphInputs: new Set((graph.input ?? []).map((v) => v.name ?? '')),
    graphOutputs: new Set((graph.output ?? []).map((v) => v.name ?? '')),
  };
}
