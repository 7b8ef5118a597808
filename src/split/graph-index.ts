/**
 * Who produces and who consumes each value of a graph, and an order in which every node follows its producers.
 * A node's inputs include the outer-scope values its subgraphs (If, Loop, Scan bodies) read, because those must
 * reach the node's split just like its explicit inputs.
 */
import { OliveError } from '../errors.ts';
import type { GraphProto, NodeProto } from '../onnx/types.ts';

export interface GraphIndex {
  nodes: NodeProto[];
  /** Values each node reads: explicit inputs (empty optional slots dropped) and outer-scope reads of its subgraphs. */
  inputsOf: string[][];
  /** Index of the node producing each value; graph inputs and initializers are absent. */
  producerOf: Map<string, number>;
  /** Indices of the nodes reading each value. */
  consumersOf: Map<string, number[]>;
  /** Node indices, every node after all its producers. */
  topologicalOrder: number[];
}

export function indexGraph(graph: GraphProto): GraphIndex {
  const nodes = graph.node ?? [];
  const inputsOf = nodes.map(nodeInputs);
  const producerOf = new Map<string, number>();
  nodes.forEach((node, index) => {
    for (const output of node.output ?? []) if (output) producerOf.set(output, index);
  });
  const consumersOf = new Map<string, number[]>();
  inputsOf.forEach((inputs, index) => {
    for (const name of new Set(inputs)) pushTo(consumersOf, name, index);
  });
  return { nodes, inputsOf, producerOf, consumersOf, topologicalOrder: sortTopologically(nodes, inputsOf, producerOf) };
}

/** The node's name for messages and explicit assignments: its name, else its first output (nodes may be unnamed). */
export function nodeKey(node: NodeProto): string {
  return node.name || (node.output ?? []).find(Boolean) || '(unnamed node)';
}

function nodeInputs(node: NodeProto): string[] {
  const explicit = (node.input ?? []).filter(Boolean);
  const outer = new Set<string>();
  for (const attribute of node.attribute ?? []) {
    for (const subgraph of [attribute.g, ...(attribute.graphs ?? [])]) {
      if (subgraph) for (const name of outerScopeReads(subgraph)) outer.add(name);
    }
  }
  return [...explicit, ...[...outer].filter((name) => !explicit.includes(name))];
}

/** Names a subgraph reads that it neither defines nor receives as inputs: they come from the enclosing graph. */
function outerScopeReads(graph: GraphProto): Set<string> {
  const defined = new Set<string>([
    ...(graph.input ?? []).map((v) => v.name ?? ''),
    ...(graph.initializer ?? []).map((t) => t.name ?? ''),
  ]);
  for (const node of graph.node ?? []) for (const output of node.output ?? []) defined.add(output);
  const reads = new Set<string>();
  for (const node of graph.node ?? []) {
    for (const name of nodeInputs(node)) if (name && !defined.has(name)) reads.add(name);
  }
  return reads;
}

function sortTopologically(nodes: NodeProto[], inputsOf: string[][], producerOf: Map<string, number>): number[] {
  const waitingOn = inputsOf.map((inputs) => new Set(inputs.filter((name) => producerOf.has(name))).size);
  const ready = nodes.flatMap((_, index) => (waitingOn[index] === 0 ? [index] : []));
  const readers = new Map<number, number[]>();
  inputsOf.forEach((inputs, index) => {
    for (const name of new Set(inputs)) {
      const producer = producerOf.get(name);
      if (producer !== undefined) pushTo(readers, producer, index);
    }
  });
  const order: number[] = [];
  for (let head = 0; head < ready.length; head += 1) {
    const index = ready[head];
    order.push(index);
    for (const name of new Set(nodes[index].output ?? [])) {
      for (const reader of new Set(readersOfValue(name, index, inputsOf, readers))) {
        waitingOn[reader] -= 1;
        if (waitingOn[reader] === 0) ready.push(reader);
      }
    }
  }
  if (order.length !== nodes.length) {
    const sorted = new Set(order);
    const stuck = nodes.find((_, index) => !sorted.has(index));
    throw new OliveError(`the graph has a cycle: node '${stuck ? nodeKey(stuck) : '?'}' never becomes ready`);
  }
  return order;
}

function readersOfValue(name: string, producer: number, inputsOf: string[][], readers: Map<number, number[]>): number[] {
  return (readers.get(producer) ?? []).filter((reader) => inputsOf[reader].includes(name));
}

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
