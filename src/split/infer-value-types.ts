/**
 * Element type and shape of values that become a split's inputs or outputs. The source's own declarations
 * (graph inputs, outputs, value_info) are used when they carry a tensor type; the rest are inferred by ONNX
 * Runtime: a weightless skeleton of the model — every large initializer turned into a typed graph input, so no
 * weight is read and memory does not grow with the model — is opened with optimizations off and the wanted values
 * declared as untyped graph outputs; ORT's shape inference (which knows every operator it can run, contrib ops
 * included) fills their types and keeps symbolic dimensions. ORT reports an unknown rank and a scalar alike (no
 * dimensions), so each wanted value also gets a Shape node whose output length tells the two apart.
 */
import * as ort from 'onnxruntime-node';
import { OliveError } from '../errors.ts';
import { encodeModel } from '../onnx/proto.ts';
import { getTensorSource, readSource, sourceLength } from '../onnx/tensor-source.ts';
import { DataType } from '../onnx/data-types.ts';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, TensorShapeDimension, TypeProto, ValueInfoProto } from '../onnx/types.ts';

/** Initializers up to this size keep their bytes in the skeleton: shape inference reads small constants (Reshape
 * targets, axes), while weights above it only need their type and shape. */
export const SKELETON_INLINE_LIMIT_BYTES = 64 * 1024;

const ORT_TYPE_TO_ONNX: Record<string, number> = {
  float32: DataType.FLOAT, float16: DataType.FLOAT16, float64: DataType.DOUBLE, bfloat16: DataType.BFLOAT16,
  int8: DataType.INT8, uint8: DataType.UINT8, int16: DataType.INT16, uint16: DataType.UINT16, int32: DataType.INT32,
  uint32: DataType.UINT32, int64: DataType.INT64, uint64: DataType.UINT64, bool: DataType.BOOL, string: DataType.STRING,
  int4: DataType.INT4, uint4: DataType.UINT4,
};

/** A typed ValueInfo for each name; names the source declares keep their declaration, the rest are inferred. */
export async function describeValues(model: ModelProto, names: string[]): Promise<{ infos: Map<string, ValueInfoProto>; inferred: Map<string, TypeProto> }> {
  const graph = model.graph ?? {};
  const declared = declaredTypes(graph);
  const infos = new Map<string, ValueInfoProto>();
  for (const name of names) {
    const type = declared.get(name);
    if (type) infos.set(name, { name, type });
  }
  const missing = [...new Set(names)].filter((name) => !infos.has(name));
  const inferred = missing.length > 0 ? await inferWithOrt(model, missing) : new Map<string, TypeProto>();
  for (const [name, type] of inferred) infos.set(name, { name, type });
  return { infos, inferred };
}

function declaredTypes(graph: GraphProto): Map<string, TypeProto> {
  const types = new Map<string, TypeProto>();
  for (const info of [...(graph.value_info ?? []), ...(graph.input ?? []), ...(graph.output ?? [])]) {
    if (info.name && info.type?.tensor_type?.elem_type) types.set(info.name, info.type);
  }
  return types;
}

async function inferWithOrt(model: ModelProto, names: string[]): Promise<Map<string, TypeProto>> {
  const skeleton = await weightlessSkeleton(model, names);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encodeModel(skeleton), { graphOptimizationLevel: 'disabled', executionProviders: ['cpu'] });
  } catch (error) {
    throw new OliveError(`cannot infer the types of split boundary values (${names.slice(0, 3).join(', ')}…) with ONNX Runtime: ${firstLine(error)}`);
  }
  try {
    const metadata = new Map(session.outputMetadata.map((meta) => [meta.name, meta]));
    const types = new Map<string, TypeProto>();
    for (const name of names) {
      const meta = metadata.get(name);
      if (meta?.isTensor) types.set(name, typeFromMetadata(meta, rankKnown(meta, metadata.get(rankProbe(name)))));
    }
    const untyped = names.find((name) => !types.has(name));
    if (untyped) throw new OliveError(`ONNX Runtime gave no tensor type for split boundary value '${untyped}'`);
    return types;
  } finally {
    await session.release();
  }
}

async function weightlessSkeleton(model: ModelProto, wanted: string[]): Promise<ModelProto> {
  const graph = model.graph ?? {};
  const declaredInputs = new Set((graph.input ?? []).map((input) => input.name));
  const initializer: TensorProto[] = [];
  const weightInputs: ValueInfoProto[] = [];
  for (const tensor of graph.initializer ?? []) {
    const source = getTensorSource(tensor);
    if (!source || sourceLength(source) <= SKELETON_INLINE_LIMIT_BYTES) initializer.push(await inlined(tensor));
    else if (!declaredInputs.has(tensor.name)) weightInputs.push(tensorAsInput(tensor));
  }
  const keptOutputs = graph.output ?? [];
  const extraOutputs = wanted.filter((name) => !keptOutputs.some((output) => output.name === name)).map((name) => ({ name }));
  const probes = wanted.map((name) => ({ name: rankProbe(name), op_type: 'Shape', input: [name], output: [rankProbe(name)] }));
  return {
    ...model,
    graph: {
      ...graph,
      node: [...(await withInlinedSubgraphs(graph.node ?? [])), ...probes],
      initializer,
      input: [...(graph.input ?? []), ...weightInputs],
      output: [...keptOutputs, ...extraOutputs, ...probes.map((probe) => ({ name: probe.name }))],
    },
  };
}

/**
 * An If/Loop body cannot take a weight as a graph input, and the skeleton is opened from memory, where external
 * data cannot be found: its initializers are inlined (bodies hold small constants such as rotary caches).
 */
async function withInlinedSubgraphs(nodes: NodeProto[]): Promise<NodeProto[]> {
  return Promise.all(nodes.map(async (node) => {
    if (!(node.attribute ?? []).some(holdsGraphs)) return node;
    return { ...node, attribute: await Promise.all((node.attribute ?? []).map(inlineAttributeGraphs)) };
  }));
}

function holdsGraphs(attribute: AttributeProto): boolean {
  return Boolean(attribute.g) || (attribute.graphs?.length ?? 0) > 0;
}

async function inlineAttributeGraphs(attribute: AttributeProto): Promise<AttributeProto> {
  if (!holdsGraphs(attribute)) return attribute;
  const inlinedAttribute = { ...attribute };
  if (attribute.g) inlinedAttribute.g = await inlinedGraph(attribute.g);
  if (attribute.graphs?.length) inlinedAttribute.graphs = await Promise.all(attribute.graphs.map(inlinedGraph));
  return inlinedAttribute;
}

async function inlinedGraph(graph: GraphProto): Promise<GraphProto> {
  const initializer = await Promise.all((graph.initializer ?? []).map(inlined));
  return { ...graph, initializer, node: await withInlinedSubgraphs(graph.node ?? []) };
}

/** Name of the Shape node output that reveals a value's rank; the suffix keeps it clear of the graph's names. */
function rankProbe(name: string): string {
  return `${name}::olive_rank_probe`;
}

/** A value's rank is known when it has dimensions, or when its Shape output has a known length (0 for a scalar). */
function rankKnown(meta: ort.InferenceSession.TensorValueMetadata, probe: ort.InferenceSession.ValueMetadata | undefined): boolean {
  if (meta.shape.length > 0) return true;
  return probe?.isTensor === true && probe.shape[0] === 0;
}

async function inlined(tensor: TensorProto): Promise<TensorProto> {
  const source = getTensorSource(tensor);
  if (!source || (source.kind === 'bytes' && source.bytes === tensor.raw_data)) return tensor;
  const { external_data: _e, data_location: _l, ...rest } = tensor;
  // bytes attached by a builder are not in raw_data: the encoded skeleton needs them there
  return { ...rest, raw_data: await readSource(source) };
}

function tensorAsInput(tensor: TensorProto): ValueInfoProto {
  const dim = (tensor.dims ?? []).map((value) => ({ dim_value: value }));
  return { name: tensor.name, type: { tensor_type: { elem_type: tensor.data_type, shape: { dim } } } };
}

/** The ONNX type of ORT's metadata; without a known rank the shape is left out (ONNX's "unknown shape"). */
function typeFromMetadata(meta: ort.InferenceSession.TensorValueMetadata, rankIsKnown: boolean): TypeProto {
  const elemType = ORT_TYPE_TO_ONNX[meta.type];
  if (elemType === undefined) throw new OliveError(`split boundary value '${meta.name}' has type ${meta.type}, which has no ONNX code here`);
  if (!rankIsKnown) return { tensor_type: { elem_type: elemType } };
  return { tensor_type: { elem_type: elemType, shape: { dim: meta.shape.map(dimension) } } };
}

/** ORT reports a fixed size as a number, a symbolic one by name; anything else is an unknown dimension. */
function dimension(value: number | string): TensorShapeDimension {
  if (typeof value === 'number' && value >= 0) return { dim_value: value };
  if (typeof value === 'string' && value.length > 0) return { dim_param: value };
  return {};
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
