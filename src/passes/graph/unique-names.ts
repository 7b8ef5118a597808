/** Fresh value and tensor names that cannot collide with any name already in the graph. */
import type { GraphProto } from '../../onnx/types.ts';

export class UniqueNames {
  private readonly taken = new Set<string>();

  constructor(graph: GraphProto) {
    for (const tensor of graph.initializer ?? []) this.taken.add(tensor.name ?? '');
    for (const value of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.value_info ?? [])]) this.taken.add(value.name ?? '');
    for (const node of graph.node ?? []) {
      for (const name of [...(node.input ?? []), ...(node.output ?? [])]) this.taken.add(name);
      if (node.name) this.taken.add(node.name);
    }
  }

  /** `wanted` itself if free, else `wanted_1`, `wanted_2`…; the name returned is then taken. */
  make(wanted: string): string {
    let name = wanted;
    for (let i = 1; this.taken.has(name); i++) name = `${wanted}_${i}`;
    this.taken.add(name);
    return name;
  }
}
