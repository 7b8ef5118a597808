/**
 * A copy of a model with every TensorProto replaced by what an async function returns, in the order allTensors()
 * visits them. Only the messages on the way to a tensor are copied; the input model is left untouched.
 */
import type {
  AttributeProto,
  FunctionProto,
  GraphProto,
  ModelProto,
  NodeProto,
  SparseTensorProto,
  TensorProto,
  TrainingInfoProto,
} from './types.ts';

/** 'initializer': a dense initializer of some graph; 'embedded': sparse parts and tensors inside attributes. */
export type TensorRole = 'initializer' | 'embedded';
export type TensorMapper = (tensor: TensorProto, role: TensorRole) => Promise<TensorProto>;

export async function mapModelTensors(model: ModelProto, map: TensorMapper): Promise<ModelProto> {
  const copy: ModelProto = { ...model };
  if (model.graph) copy.graph = await mapGraph(model.graph, map);
  if (model.training_info?.length) copy.training_info = await mapEach(model.training_info, (info) => mapTrainingInfo(info, map));
  if (model.functions?.length) copy.functions = await mapEach(model.functions, (fn) => mapFunction(fn, map));
  return copy;
}

async function mapGraph(graph: GraphProto, map: TensorMapper): Promise<GraphProto> {
  return {
    ...graph,
    initializer: await mapEach(graph.initializer ?? [], (tensor) => map(tensor, 'initializer')),
    sparse_initializer: await mapEach(graph.sparse_initializer ?? [], (sparse) => mapSparse(sparse, map)),
    node: await mapEach(graph.node ?? [], (node) => mapNode(node, map)),
  };
}

async function mapTrainingInfo(info: TrainingInfoProto, map: TensorMapper): Promise<TrainingInfoProto> {
  const copy: TrainingInfoProto = { ...info };
  if (info.initialization) copy.initialization = await mapGraph(info.initialization, map);
  if (info.algorithm) copy.algorithm = await mapGraph(info.algorithm, map);
  return copy;
}

async function mapFunction(fn: FunctionProto, map: TensorMapper): Promise<FunctionProto> {
  return {
    ...fn,
    node: await mapEach(fn.node ?? [], (node) => mapNode(node, map)),
    attribute_proto: await mapEach(fn.attribute_proto ?? [], (attribute) => mapAttribute(attribute, map)),
  };
}

async function mapNode(node: NodeProto, map: TensorMapper): Promise<NodeProto> {
  if (!node.attribute?.length) return node;
  return { ...node, attribute: await mapEach(node.attribute, (attribute) => mapAttribute(attribute, map)) };
}

async function mapAttribute(attribute: AttributeProto, map: TensorMapper): Promise<AttributeProto> {
  const copy: AttributeProto = { ...attribute };
  if (attribute.t) copy.t = await map(attribute.t, 'embedded');
  if (attribute.tensors?.length) copy.tensors = await mapEach(attribute.tensors, (tensor) => map(tensor, 'embedded'));
  if (attribute.sparse_tensor) copy.sparse_tensor = await mapSparse(attribute.sparse_tensor, map);
  if (attribute.sparse_tensors?.length) copy.sparse_tensors = await mapEach(attribute.sparse_tensors, (sparse) => mapSparse(sparse, map));
  if (attribute.g) copy.g = await mapGraph(attribute.g, map);
  if (attribute.graphs?.length) copy.graphs = await mapEach(attribute.graphs, (graph) => mapGraph(graph, map));
  return copy;
}

async function mapSparse(sparse: SparseTensorProto, map: TensorMapper): Promise<SparseTensorProto> {
  const copy: SparseTensorProto = { ...sparse };
  if (sparse.values) copy.values = await map(sparse.values, 'embedded');
  if (sparse.indices) copy.indices = await map(sparse.indices, 'embedded');
  return copy;
}

/** Sequentially, so tensors reach the data file in a stable order. */
async function mapEach<T>(items: T[], map: (item: T) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (const item of items) out.push(await map(item));
  return out;
}
