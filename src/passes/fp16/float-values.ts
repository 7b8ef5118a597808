/**
 * Which values of a graph are float32 tensors. ONNX files rarely carry a type for every intermediate value, so
 * the element type is propagated through the nodes: value_info where present, else the operator's rule.
 */
import { DataType } from '../../onnx/data-types.ts';
import type { GraphProto, NodeProto } from '../../onnx/types.ts';
import { findAttribute, intAttribute } from '../graph/attributes.ts';

/** Outputs whose type never follows the data input: indices, masks, booleans, sizes. */
const NON_FLOAT_OUTPUTS: ReadonlyMap<string, readonly number[]> = new Map([
  ['Shape', [0]], ['Size', [0]], ['ArgMax', [0]], ['ArgMin', [0]], ['NonZero', [0]], ['TopK', [1]], ['Unique', [1, 2, 3]],
  ['MaxPool', [1]], ['Dropout', [1]], ['Equal', [0]], ['Less', [0]], ['LessOrEqual', [0]], ['Greater', [0]],
  ['GreaterOrEqual', [0]], ['IsNaN', [0]], ['IsInf', [0]], ['Not', [0]], ['And', [0]], ['Or', [0]], ['Xor', [0]],
]);

/** Outputs typed by stash_type (float32) rather than by the input: normalization statistics. */
export const STATISTICS_OUTPUTS: ReadonlyMap<string, readonly number[]> = new Map([
  ['LayerNormalization', [1, 2]], ['SimplifiedLayerNormalization', [1]], ['RMSNormalization', [1]],
  ['com.microsoft.SkipSimplifiedLayerNormalization', [1, 2]], ['com.microsoft.SkipLayerNormalization', [1, 2]],
]);

/** The input whose element type an op's outputs take. */
const TYPE_SOURCE_INPUT: ReadonlyMap<string, number> = new Map([['Where', 1]]);

export function floatValues(graph: GraphProto): Set<string> {
  const floats = new Set<string>();
  const known = new Map<string, number>();
  for (const value of [...(graph.input ?? []), ...(graph.value_info ?? []), ...(graph.output ?? [])]) {
    const elemType = value.type?.tensor_type?.elem_type;
    if (elemType !== undefined && elemType !== 0) known.set(value.name ?? '', elemType);
  }
  for (const tensor of graph.initializer ?? []) known.set(tensor.name ?? '', tensor.data_type ?? 0);
  for (const [name, elemType] of known) if (elemType === DataType.FLOAT) floats.add(name);
  for (const node of graph.node ?? []) {
    (node.output ?? []).forEach((output, index) => {
      if (!output || known.has(output)) return;
      if (outputIsFloat(node, index, floats)) floats.add(output);
    });
  }
  return floats;
}

function outputIsFloat(node: NodeProto, index: number, floats: Set<string>): boolean {
  const op = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.op_type}` : node.op_type ?? '';
  if (NON_FLOAT_OUTPUTS.get(op)?.includes(index)) return false;
  if (STATISTICS_OUTPUTS.get(op)?.includes(index)) return true;
  if (op === 'Cast') return intAttribute(node, 'to', 0) === DataType.FLOAT;
  if (op === 'Constant') return constantIsFloat(node);
  if (op === 'ConstantOfShape') return (findAttribute(node, 'value')?.t?.data_type ?? DataType.FLOAT) === DataType.FLOAT;
  const source = node.input?.[TYPE_SOURCE_INPUT.get(op) ?? 0] ?? '';
  return floats.has(source);
}

function constantIsFloat(node: NodeProto): boolean {
  const attribute = node.attribute?.[0];
  if (!attribute) return false;
  if (attribute.name === 'value') return attribute.t?.data_type === DataType.FLOAT;
  return attribute.name === 'value_float' || attribute.name === 'value_floats';
}
