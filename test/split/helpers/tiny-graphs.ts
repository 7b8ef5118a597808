/** Builders for small hand-written graphs used by the assignment and cut unit tests. */
import { DataType } from '../../../src/onnx/data-types.ts';
import type { GraphProto, NodeProto, TensorProto, ValueInfoProto } from '../../../src/onnx/types.ts';

export function node(name: string, opType: string, input: string[], output: string[], module?: string): NodeProto {
  return { name, op_type: opType, input, output, ...(module ? { metadata_props: [{ key: 'module', value: module }] } : {}) };
}

export function constantNode(name: string, output: string, values: number[]): NodeProto {
  return { name, op_type: 'Constant', input: [], output: [output], attribute: [{ name: 'value', type: 4, t: floatTensor('', [values.length], values) }] };
}

export function floatTensor(name: string, dims: number[], values: number[]): TensorProto {
  return { name, dims, data_type: DataType.FLOAT, raw_data: new Uint8Array(Float32Array.from(values).buffer) };
}

export function floatInfo(name: string, dims: (number | string)[]): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim } } } };
}

export function graphOf(nodes: NodeProto[], inputs: string[], outputs: string[], initializer: TensorProto[] = []): GraphProto {
  return { name: 'g', node: nodes, input: inputs.map((name) => floatInfo(name, ['batch', 4])), output: outputs.map((name) => ({ name })), initializer };
}
