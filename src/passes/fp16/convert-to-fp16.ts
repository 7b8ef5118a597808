/**
 * fp16 conversion of a float32 model: initializers, Constant nodes, tensor attributes and the types of values
 * become float16 wherever the node that computes with them has an fp16 kernel on the target provider; a node
 * that has none keeps computing in float32 behind Casts. With keepIoTypes the graph's float inputs and outputs
 * stay float32 (Casts at the edges), as Olive's keep_io_types.
 */
import { OliveError } from '../../errors.ts';
import { DataType } from '../../onnx/data-types.ts';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../onnx/types.ts';
import { AttributeType } from '../../onnx/types.ts';
import { intAttr } from '../../onnx/make-attribute.ts';
import { UniqueNames } from '../graph/unique-names.ts';
import type { ExecutionProvider } from '../../providers.ts';
import { CastMaker, castFloatOutputs } from './casts.ts';
import type { FloatPrecision } from '../../precisions.ts';
import { needsFp16, planPrecisions, type PrecisionPlan } from './plan-precisions.ts';
import { toFloat16Tensor } from './to-float16-tensor.ts';

export interface Fp16Options {
  /** Keep float graph inputs and outputs float32. Default false. */
  keepIoTypes?: boolean;
  /** Decides which ops may run in fp16. Default CPUExecutionProvider. */
  provider?: ExecutionProvider;
}

export interface Fp16Report {
  provider: ExecutionProvider;
  keepIoTypes: boolean;
  /** Nodes now computing in fp16. */
  fp16Nodes: number;
  /** Nodes with float values left in float32, by op type. */
  fp32Nodes: Record<string, number>;
  castsInserted: number;
  initializersConverted: number;
}

export interface Fp16Result {
  model: ModelProto;
  report: Fp16Report;
}

export function convertToFp16(model: ModelProto, options: Fp16Options = {}): Fp16Result {
  const provider = options.provider ?? 'CPUExecutionProvider';
  const keepIoTypes = options.keepIoTypes ?? false;
  const graph = model.graph;
  if (!graph) throw new OliveError('cannot convert to fp16: the model has no graph');
  refuseSubgraphs(graph);
  const plan = planPrecisions(graph, provider, keepIoTypes);
  const names = new UniqueNames(graph);
  const casts = new CastMaker(names);
  const node: NodeProto[] = [];
  for (const original of graph.node ?? []) {
    const rewired = rewireInputs(original, plan, casts);
    node.push(...casts.takePending(), plan.fp16Nodes.has(original) ? toFp16Node(rewired) : rewired);
  }
  const outputs = castFloatOutputs(graph, node, plan, names, keepIoTypes ? 'fp32' : 'fp16');
  const converted: GraphProto = {
    ...graph,
    node,
    initializer: (graph.initializer ?? []).map((t) => (plan.precision.get(t.name ?? '') === 'fp16' ? toFloat16Tensor(t) : t)),
    input: (graph.input ?? []).map((v) => typed(v, plan.precision)),
    output: (graph.output ?? []).map((v) => typedAs(v, outputs.has(v.name ?? '') ? (keepIoTypes ? 'fp32' : 'fp16') : plan.precision.get(v.name ?? ''))),
    value_info: (graph.value_info ?? []).filter((v) => !outputs.has(v.name ?? '')).map((v) => typed(v, plan.precision)),
  };
  return { model: { ...model, graph: converted }, report: report(graph, plan, provider, keepIoTypes, casts.count + outputs.size) };
}

function rewireInputs(n: NodeProto, plan: PrecisionPlan, casts: CastMaker): NodeProto {
  const input = (n.input ?? []).map((name, i) => {
    const has = plan.precision.get(name);
    if (!has || n.op_type === 'Cast') return name;
    const wants: FloatPrecision = needsFp16(n, i, plan.fp16Nodes) ? 'fp16' : 'fp32';
    return has === wants ? name : casts.castOf(name, wants);
  });
  return { ...n, input };
}

/** An fp16 node: Cast to float32 becomes Cast to float16, float32 tensor attributes (Constant's value) float16. */
function toFp16Node(n: NodeProto): NodeProto {
  const attribute = (n.attribute ?? []).map((a) => fp16Attribute(n, a));
  // Without a value, ConstantOfShape makes float32 zeros: spell out a float16 zero instead.
  if (n.op_type === 'ConstantOfShape' && !attribute.some((a) => a.name === 'value')) {
    attribute.push({ name: 'value', type: AttributeType.TENSOR, t: { data_type: DataType.FLOAT16, dims: [1], raw_data: new Uint8Array(2) } });
  }
  return { ...n, attribute };
}

function fp16Attribute(n: NodeProto, a: AttributeProto): AttributeProto {
  if (n.op_type === 'Cast' && a.name === 'to' && Number(a.i) === DataType.FLOAT) return intAttr('to', DataType.FLOAT16);
  if (a.t?.data_type === DataType.FLOAT) return { ...a, t: toFloat16Tensor(a.t) };
  if (n.op_type === 'Constant' && (a.name === 'value_float' || a.name === 'value_floats')) {
    const values = a.name === 'value_float' ? [a.f ?? 0] : (a.floats ?? []);
    const tensor: TensorProto = { data_type: DataType.FLOAT, dims: a.name === 'value_float' ? [] : [values.length], float_data: values };
    return { name: 'value', type: AttributeType.TENSOR, t: toFloat16Tensor(tensor) };
  }
  return a;
}

function typed(value: ValueInfoProto, precision: Map<string, FloatPrecision>): ValueInfoProto {
  return typedAs(value, precision.get(value.name ?? ''));
}

function typedAs(value: ValueInfoProto, wanted: FloatPrecision | undefined): ValueInfoProto {
  const tensorType = value.type?.tensor_type;
  if (!wanted || !tensorType || tensorType.elem_type !== DataType.FLOAT) return value;
  const elemType = wanted === 'fp16' ? DataType.FLOAT16 : DataType.FLOAT;
  return { ...value, type: { ...value.type, tensor_type: { ...tensorType, elem_type: elemType } } };
}

function refuseSubgraphs(graph: GraphProto): void {
  const owner = (graph.node ?? []).find((n) => (n.attribute ?? []).some((a) => a.g || a.graphs?.length));
  if (owner) throw new OliveError(`fp16 conversion of control-flow subgraphs is not supported (node '${owner.name ?? ''}', ${owner.op_type ?? ''})`);
}

function report(graph: GraphProto, plan: PrecisionPlan, provider: ExecutionProvider, keepIoTypes: boolean, castsInserted: number): Fp16Report {
  const fp32Nodes: Record<string, number> = {};
  for (const n of graph.node ?? []) {
    const touches = [...(n.input ?? []), ...(n.output ?? [])].some((v) => plan.floats.has(v));
    if (touches && !plan.fp16Nodes.has(n)) fp32Nodes[n.op_type ?? ''] = (fp32Nodes[n.op_type ?? ''] ?? 0) + 1;
  }
  const initializersConverted = (graph.initializer ?? []).filter((t) => plan.precision.get(t.name ?? '') === 'fp16').length;
  return { provider, keepIoTypes, fp16Nodes: plan.fp16Nodes.size, fp32Nodes, castsInserted, initializersConverted };
}
