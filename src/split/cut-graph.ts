/**
 * Cut a graph into sub-models along a node assignment. A value produced in one split and read in a later one
 * becomes an output of its producer split and an input of each reader split, under its original name; graph
 * inputs go to every split that reads them (so each layer's past_key_values go with the layer, and its present
 * tensors, produced there, are that split's outputs); initializers and Constant nodes go to every split reading
 * them.
 */
import { OliveError } from '../errors.ts';
import type { GraphProto } from '../onnx/types.ts';
import type { GraphIndex } from './graph-index.ts';
import { COPIED_INTO_EACH_SPLIT, type NodeAssignment, type SplitCut } from './types.ts';

export function cutGraph(graph: GraphProto, index: GraphIndex, assignment: NodeAssignment): SplitCut[] {
  const graphOutputs = (graph.output ?? []).map((output) => output.name ?? '');
  requireComputedOutputs(graphOutputs, index);
  const initializerNames = new Set([
    ...(graph.initializer ?? []).map((tensor) => tensor.name ?? ''),
    ...(graph.sparse_initializer ?? []).map((sparse) => sparse.values?.name ?? ''),
  ]);
  const graphInputs = (graph.input ?? []).map((input) => input.name ?? '');
  const readers = splitsReadingEachValue(index, assignment);
  return Array.from({ length: assignment.numSplits }, (_, split) => {
    const nodeIndices = nodesOfSplit(split, index, assignment, readers);
    const reads = valuesRead(nodeIndices, index);
    const produced = new Set(nodeIndices.flatMap((i) => index.nodes[i].output ?? []));
    const external = reads.filter((name) => !produced.has(name));
    return {
      index: split,
      nodeIndices,
      inputs: orderInputs(external.filter((name) => !initializerNames.has(name) || graphInputs.includes(name)), graphInputs),
      outputs: splitOutputs(split, nodeIndices, index, assignment, readers, graphOutputs),
      initializers: external.filter((name) => initializerNames.has(name)),
    };
  });
}

function requireComputedOutputs(graphOutputs: string[], index: GraphIndex): void {
  for (const name of graphOutputs) {
    if (!index.producerOf.has(name)) {
      throw new OliveError(`graph output '${name}' is not computed by any node (a graph input or initializer): it cannot be given to a split`);
    }
  }
}

/** For each value, the splits of the (placed) nodes reading it. */
function splitsReadingEachValue(index: GraphIndex, assignment: NodeAssignment): Map<string, Set<number>> {
  const readers = new Map<string, Set<number>>();
  index.inputsOf.forEach((inputs, i) => {
    const split = assignment.splitOf[i];
    if (split === COPIED_INTO_EACH_SPLIT) return;
    for (const name of inputs) {
      const splits = readers.get(name) ?? new Set<number>();
      splits.add(split);
      readers.set(name, splits);
    }
  });
  return readers;
}

/** Nodes placed in the split plus the Constant nodes it reads, in original (topologically valid) order. */
function nodesOfSplit(split: number, index: GraphIndex, assignment: NodeAssignment, readers: Map<string, Set<number>>): number[] {
  return index.nodes.flatMap((node, i) => {
    const placed = assignment.splitOf[i];
    if (placed === split) return [i];
    const copiedHere = placed === COPIED_INTO_EACH_SPLIT && (node.output ?? []).some((name) => readers.get(name)?.has(split));
    return copiedHere ? [i] : [];
  });
}

/** Distinct values the nodes read, in first-read order. */
function valuesRead(nodeIndices: number[], index: GraphIndex): string[] {
  return [...new Set(nodeIndices.flatMap((i) => index.inputsOf[i]))];
}

/** Graph inputs first in the graph's order, then values from earlier splits in first-read order. */
function orderInputs(names: string[], graphInputs: string[]): string[] {
  const fromGraph = graphInputs.filter((name) => names.includes(name));
  return [...fromGraph, ...names.filter((name) => !graphInputs.includes(name))];
}

/** Graph outputs computed here (graph order), then values later splits read (production order). */
function splitOutputs(
  split: number,
  nodeIndices: number[],
  index: GraphIndex,
  assignment: NodeAssignment,
  readers: Map<string, Set<number>>,
  graphOutputs: string[],
): string[] {
  const ownGraphOutputs = graphOutputs.filter((name) => assignment.splitOf[index.producerOf.get(name)!] === split);
  const crossing = nodeIndices
    .filter((i) => assignment.splitOf[i] === split)
    .flatMap((i) => index.nodes[i].output ?? [])
    .filter((name) => name && [...(readers.get(name) ?? [])].some((reader) => reader > split));
  return [...ownGraphOutputs, ...crossing.filter((name) => !ownGraphOutputs.includes(name))];
}
