/** AttributeProto constructors for the attribute kinds the decoder graph uses. */
import { AttributeType, type AttributeProto, type GraphProto } from '../onnx/types.ts';

export function intAttribute(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

export function floatAttribute(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.FLOAT, f: value };
}

export function intsAttribute(name: string, values: number[]): AttributeProto {
  return { name, type: AttributeType.INTS, ints: values };
}

export function graphAttribute(name: string, graph: GraphProto): AttributeProto {
  return { name, type: AttributeType.GRAPH, g: graph };
}
