/**
 * After products were rewritten: drop the Transpose nodes that only fed them and the candidate initializers no
 * node reads any more (with their legacy graph-input entries and value_info). A weight still read elsewhere,
 * e.g. an embedding table tied to the LM head, stays.
 */
import type { GraphProto } from '../../onnx/types.ts';
import { indexGraph } from '../graph/graph-index.ts';

export function removeDeadWeights(graph: GraphProto, candidates: Set<string>): GraphProto {
  let index = indexGraph(graph);
  const isUnused = (name: string) => !index.consumers.has(name) && !index.graphOutputs.has(name);
  const node = (graph.node ?? []).filter((n) => {
    const feedsFromCandidate = n.op_type === 'Transpose' && candidates.has(n.input?.[0] ?? '');
    return !(feedsFromCandidate && (n.output ?? []).every(isUnused));
  });
  const removedValues = new Set((graph.node ?? []).filter((n) => !node.includes(n)).flatMap((n) => n.output ?? []));
  index = indexGraph({ ...graph, node });
  const dead = new Set([...candidates].filter((name) => name && isUnused(name)));
  const gone = (name: string | undefined) => dead.has(name ?? '') || removedValues.has(name ?? '');
  return {
    ...graph,
    node,
    initializer: (graph.initializer ?? []).filter((t) => !gone(t.name)),
    input: (graph.input ?? []).filter((v) => !gone(v.name)),
    value_info: (graph.value_info ?? []).filter((v) => !gone(v.name)),
  };
}
