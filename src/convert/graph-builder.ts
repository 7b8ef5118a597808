/**
 * Accumulates the nodes, initializers and I/O of a graph. Every node may record the Hugging Face module it
 * implements in its metadata_props (key MODULE_KEY): the splitter assigns nodes to sub-models by that path.
 */
import type { AttributeProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.ts';
import { setTensorSource, type TensorSource } from '../onnx/tensor-source.ts';
import { DataType } from '../onnx/data-types.ts';

/** metadata_props key holding the Hugging Face module path a node belongs to. */
export const MODULE_KEY = 'module';

export const MICROSOFT_DOMAIN = 'com.microsoft';

export interface NodeSpec {
  op: string;
  /** Node name in ORT GenAI's form, e.g. /model/layers.0/self_attn/q_proj/MatMul. */
  name: string;
  /** '' for an omitted optional input. */
  inputs: string[];
  /** Output names, or how many to name `<node name>/output_<i>`; default 1. */
  outputs?: string[] | number;
  /** Hugging Face module path; absent for the shared subgraphs (sequence lengths, rotary cache choice). */
  module?: string;
  domain?: string;
  attributes?: AttributeProto[];
}

export type Dim = number | string;

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private readonly initializerNames = new Set<string>();

  /** Add a node; returns its output names. */
  add(spec: NodeSpec): string[] {
    const outputs = typeof spec.outputs === 'object' ? spec.outputs : Array.from({ length: spec.outputs ?? 1 }, (_, i) => `${spec.name}/output_${i}`);
    const node: NodeProto = { name: spec.name, op_type: spec.op, input: spec.inputs, output: outputs };
    if (spec.domain) node.domain = spec.domain;
    if (spec.attributes?.length) node.attribute = spec.attributes;
    if (spec.module !== undefined) node.metadata_props = [{ key: MODULE_KEY, value: spec.module }];
    this.nodes.push(node);
    return outputs;
  }

  /** Add a node with one output; returns that output's name. */
  add1(spec: Omit<NodeSpec, 'outputs'>): string {
    return this.add(spec)[0];
  }

  hasInitializer(name: string): boolean {
    return this.initializerNames.has(name);
  }

  initializer(name: string, dataType: number, dims: number[], source: TensorSource): string {
    if (this.initializerNames.has(name)) throw new Error(`initializer '${name}' added twice`);
    this.initializerNames.add(name);
    this.initializers.push(setTensorSource({ name, data_type: dataType, dims }, source));
    return name;
  }

  /** A small int64 initializer (shapes, axes), created once per name. */
  int64(name: string, values: number[], dims: number[] = [values.length]): string {
    if (this.initializerNames.has(name)) return name;
    const bytes = new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer);
    return this.initializer(name, DataType.INT64, dims, { kind: 'bytes', bytes });
  }

  input(name: string, elemType: number, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }
}

export function valueInfo(name: string, elemType: number, dims: Dim[]): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
}
