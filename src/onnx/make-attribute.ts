/** AttributeProto constructors (readers of a node's attributes are in passes/graph/attributes.ts). */
import { AttributeType, type AttributeProto, type GraphProto } from './types.ts';

export function intAttr(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

export function floatAttr(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.FLOAT, f: value };
}

export function intsAttr(name: string, values: number[]): AttributeProto {
  return { name, type: AttributeType.INTS, ints: values };
}

export function graphAttr(name: string, graph: GraphProto): AttributeProto {
  return { name, type: AttributeType.GRAPH, g: graph };
}

export function stringAttr(name: string, value: string): AttributeProto {
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
}
