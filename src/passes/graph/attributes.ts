/** Read a node's attributes by name, with the operator's default when absent. */
import { int64ToNumber } from '../../onnx/proto.ts';
import type { AttributeProto, NodeProto } from '../../onnx/types.ts';

export function findAttribute(node: NodeProto, name: string): AttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = findAttribute(node, name);
  return attribute ? int64ToNumber(attribute.i, `attribute ${name} of node '${node.name ?? ''}'`) : fallback;
}

export function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = findAttribute(node, name);
  return attribute?.f ?? fallback;
}

export function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  const attribute = findAttribute(node, name);
  return attribute ? (attribute.ints ?? []).map((v) => int64ToNumber(v, `attribute ${name} of node '${node.name ?? ''}'`)) : undefined;
}

