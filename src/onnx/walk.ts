/** Visit every graph of a model (main graph, subgraphs in node attributes, function bodies have none). */
import type { GraphProto, ModelProto, TensorProto } from './types.ts';

export function* allGraphs(graph: GraphProto | undefined): Generator<GraphProto> {
  if (!graph) return;
  yield graph;
  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      if (attribute.g) yield* allGraphs(attribute.g);
      for (const sub of attribute.graphs ?? []) yield* allGraphs(sub);
    }
  }
}

/** Every initializer of every graph in the model, dense and the values/indices of sparse ones. */
export function* allInitializers(model: ModelProto): Generator<TensorProto> {
  for (const graph of allGraphs(model.graph)) {
    yield* graph.initializer ?? [];
    for (const sparse of graph.sparse_initializer ?? []) {
      if (sparse.values) yield sparse.values;
      if (sparse.indices) yield sparse.indices;
    }
  }
}
