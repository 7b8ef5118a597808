/** Visit the graphs and tensors of a model, wherever ONNX lets them nest. */
import type { AttributeProto, GraphProto, ModelProto, NodeProto, SparseTensorProto, TensorProto } from './types.ts';

/** A graph and, depth first, the subgraphs in its nodes' attributes (If, Loop, Scan bodies). */
export function* allGraphs(graph: GraphProto | undefined): Generator<GraphProto> {
  if (!graph) return;
  yield graph;
  for (const node of graph.node ?? []) yield* nodeSubgraphs(node);
}

function* nodeSubgraphs(node: NodeProto): Generator<GraphProto> {
  for (const attribute of node.attribute ?? []) yield* attributeSubgraphs(attribute);
}

function* attributeSubgraphs(attribute: AttributeProto): Generator<GraphProto> {
  yield* allGraphs(attribute.g);
  for (const sub of attribute.graphs ?? []) yield* allGraphs(sub);
}

/** Every initializer of every graph in the model, dense and the values/indices of sparse ones. */
export function* allInitializers(model: ModelProto): Generator<TensorProto> {
  for (const graph of allGraphs(model.graph)) {
    yield* graph.initializer ?? [];
    for (const sparse of graph.sparse_initializer ?? []) yield* sparseParts(sparse);
  }
}

/** Every graph of the model: main graph, training_info graphs, subgraphs in function bodies, all nested ones. */
export function* modelGraphs(model: ModelProto): Generator<GraphProto> {
  yield* allGraphs(model.graph);
  for (const info of model.training_info ?? []) {
    yield* allGraphs(info.initialization);
    yield* allGraphs(info.algorithm);
  }
  for (const fn of model.functions ?? []) {
    for (const node of fn.node ?? []) yield* nodeSubgraphs(node);
    for (const attribute of fn.attribute_proto ?? []) yield* attributeSubgraphs(attribute);
  }
}

/**
 * Every TensorProto of the model: initializers (dense, sparse), tensors in node attributes (Constant values),
 * in function bodies and in function attribute defaults. Each is visited once.
 */
export function* allTensors(model: ModelProto): Generator<TensorProto> {
  for (const graph of modelGraphs(model)) {
    yield* graph.initializer ?? [];
    for (const sparse of graph.sparse_initializer ?? []) yield* sparseParts(sparse);
    for (const node of graph.node ?? []) yield* nodeTensors(node);
  }
  for (const fn of model.functions ?? []) {
    for (const node of fn.node ?? []) yield* nodeTensors(node);
    for (const attribute of fn.attribute_proto ?? []) yield* attributeTensors(attribute);
  }
}

function* nodeTensors(node: NodeProto): Generator<TensorProto> {
  for (const attribute of node.attribute ?? []) yield* attributeTensors(attribute);
}

function* attributeTensors(attribute: AttributeProto): Generator<TensorProto> {
  if (attribute.t) yield attribute.t;
  yield* attribute.tensors ?? [];
  if (attribute.sparse_tensor) yield* sparseParts(attribute.sparse_tensor);
  for (const sparse of attribute.sparse_tensors ?? []) yield* sparseParts(sparse);
}

function* sparseParts(sparse: SparseTensorProto): Generator<TensorProto> {
  if (sparse.values) yield sparse.values;
  if (sparse.indices) yield sparse.indices;
}
