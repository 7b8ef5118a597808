/**
 * Put every node in a split (REFERENCE §4, Olive's rules): a node's own split comes from the plan's longest
 * matching module prefix or from the explicit assignment; a forward pass in topological order moves it to the
 * largest split among its producers (a node never runs before its inputs exist); a reverse pass gives nodes that
 * are still unplaced (embedding lookup, mask and position computations) the smallest split among their consumers,
 * else split 0. Constant nodes are placed nowhere: each split that reads one gets a copy.
 */
import { OliveError } from '../errors.ts';
import type { GraphProto, NodeProto } from '../onnx/types.ts';
import type { SplitPlan } from '../plan/types.ts';
import { indexGraph, nodeKey, type GraphIndex } from './graph-index.ts';
import { longestPrefixMatch, nodeModulePath } from './module-path.ts';
import { COPIED_INTO_EACH_SPLIT, type NodeAssignment, type SplitTarget } from './types.ts';

export function assignNodes(graph: GraphProto, target: SplitTarget, index: GraphIndex = indexGraph(graph)): NodeAssignment {
  const { own, numSplits } = target.kind === 'plan' ? ownSplitsFromPlan(index.nodes, target.plan) : ownSplitsFromMap(index.nodes, target);
  const copied = copiedConstants(graph, index);
  const splitOf = propagateForward(index, own, copied);
  fillFromConsumers(index, splitOf);
  for (const i of copied) splitOf[i] = COPIED_INTO_EACH_SPLIT;
  requireEverySplitUsed(splitOf, numSplits, target);
  return { splitOf, numSplits };
}

/** Constant nodes, copied into the splits reading them; one producing a graph output is placed like any node. */
function copiedConstants(graph: GraphProto, index: GraphIndex): Set<number> {
  const graphOutputs = new Set((graph.output ?? []).map((output) => output.name));
  const copied = new Set<number>();
  index.nodes.forEach((node, i) => {
    const isConstant = node.op_type === 'Constant' && (node.domain ?? '') === '';
    if (isConstant && !(node.output ?? []).some((name) => graphOutputs.has(name))) copied.add(i);
  });
  return copied;
}

function ownSplitsFromPlan(nodes: NodeProto[], plan: SplitPlan): { own: (number | undefined)[]; numSplits: number } {
  const splitOfModule = new Map<string, number>();
  plan.splits.forEach((split, position) => {
    if (split.index !== position) throw new OliveError(`split plan: split at position ${position} has index ${split.index}`);
    for (const module of split.modules) {
      const earlier = splitOfModule.get(module);
      if (earlier !== undefined && earlier !== position) {
        throw new OliveError(`split plan: module '${module}' is listed in split ${earlier} and split ${position}`);
      }
      splitOfModule.set(module, position);
    }
  });
  const own = nodes.map((node) => {
    const modulePath = nodeModulePath(node);
    return modulePath === undefined ? undefined : longestPrefixMatch(modulePath, splitOfModule);
  });
  if (plan.splits.length > 0 && own.every((split) => split === undefined)) {
    throw new OliveError('split plan: no node matches any planned module (nodes carry no module metadata or torch-export names?)');
  }
  return { own, numSplits: plan.splits.length };
}

function ownSplitsFromMap(
  nodes: NodeProto[],
  target: Extract<SplitTarget, { kind: 'assignment' }>,
): { own: (number | undefined)[]; numSplits: number } {
  const values = Object.values(target.nodes);
  for (const [key, split] of Object.entries(target.nodes)) {
    if (!Number.isInteger(split) || split < 0) throw new OliveError(`node assignment: '${key}' → ${split} is not a split index`);
  }
  const numSplits = target.numSplits ?? Math.max(0, ...values) + 1;
  const known = new Set(nodes.map(nodeKey));
  for (const key of Object.keys(target.nodes)) {
    if (!known.has(key)) throw new OliveError(`node assignment: the model has no node '${key}'`);
    if (target.nodes[key] >= numSplits) throw new OliveError(`node assignment: '${key}' → split ${target.nodes[key]}, but there are ${numSplits} splits`);
  }
  return { own: nodes.map((node) => target.nodes[nodeKey(node)]), numSplits };
}

function propagateForward(index: GraphIndex, own: (number | undefined)[], copied: Set<number>): (number | undefined)[] {
  const splitOf: (number | undefined)[] = index.nodes.map(() => undefined);
  for (const i of index.topologicalOrder) {
    if (copied.has(i)) continue;
    const candidates = [own[i], ...producerSplits(index, i, splitOf)].filter((split) => split !== undefined);
    splitOf[i] = candidates.length > 0 ? Math.max(...candidates) : undefined;
  }
  return splitOf;
}

function producerSplits(index: GraphIndex, node: number, splitOf: (number | undefined)[]): (number | undefined)[] {
  return index.inputsOf[node].map((name) => {
    const producer = index.producerOf.get(name);
    return producer === undefined ? undefined : splitOf[producer];
  });
}

function fillFromConsumers(index: GraphIndex, splitOf: (number | undefined)[]): asserts splitOf is number[] {
  for (const i of [...index.topologicalOrder].reverse()) {
    if (splitOf[i] !== undefined) continue;
    // Constants are unplaced too; they get a value here and are marked copied afterwards.
    const consumerSplits = (index.nodes[i].output ?? []).flatMap((name) => (index.consumersOf.get(name) ?? []).map((c) => splitOf[c]));
    const placed = consumerSplits.filter((split) => split !== undefined);
    splitOf[i] = placed.length > 0 ? Math.min(...placed) : 0;
  }
}

function requireEverySplitUsed(splitOf: number[], numSplits: number, target: SplitTarget): void {
  const used = new Set(splitOf);
  for (let split = 0; split < numSplits; split += 1) {
    if (used.has(split)) continue;
    const what = target.kind === 'plan' ? `its modules (${target.plan.splits[split].modules.slice(0, 3).join(', ') || 'none'})` : 'the nodes assigned to it';
    throw new OliveError(`split ${split} would hold no node: ${what} match no node, or follow their producers into a later split${tableOrderHint(target)}`);
  }
}

/** Olive's greedy pass cuts in cost-table order, which inside a layer can run against the data flow. */
function tableOrderHint(target: SplitTarget): string {
  if (target.kind !== 'plan' || target.plan.strategy !== 'olive') return '';
  return ' (--split-strategy olive cuts in cost-table order, which can split a layer against its data flow: use --split-strategy balanced)';
}
