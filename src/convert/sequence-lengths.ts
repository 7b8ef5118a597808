/**
 * Lengths derived from attention_mask inside the graph, as ORT GenAI's models do: GroupQueryAttention's
 * seqlens_k (tokens seen per batch row − 1, int32 [B]) and total_sequence_length (int32 scalar), which also picks
 * the longrope caches. Shared by every layer, so these nodes carry no module: the splitter places them with their
 * first consumer.
 */
import { DataType } from '../onnx/data-types.ts';
import { intAttr } from '../onnx/make-attribute.ts';
import type { GraphBuilder } from './graph-builder.ts';

export const MASK_SUBGRAPH = '/model/attn_mask_reformat/attn_mask_subgraph';

export function addSeqlensK(graph: GraphBuilder, attentionMask: string): string {
  const sum = graph.add1({
    op: 'ReduceSum',
    name: `${MASK_SUBGRAPH}/ReduceSum`,
    inputs: [attentionMask, graph.int64(`${MASK_SUBGRAPH}/axes`, [1])],
    attributes: [intAttr('keepdims', 0)],
  });
  const lastIndex = graph.add1({ op: 'Sub', name: `${MASK_SUBGRAPH}/Sub`, inputs: [sum, graph.int64(`${MASK_SUBGRAPH}/one`, [1], [])] });
  return graph.add1({ op: 'Cast', name: `${MASK_SUBGRAPH}/Sub/Cast`, inputs: [lastIndex], attributes: [intAttr('to', DataType.INT32)] });
}

export function addTotalSequenceLength(graph: GraphBuilder, attentionMask: string): string {
  const shape = graph.add1({ op: 'Shape', name: `${MASK_SUBGRAPH}/Shape`, inputs: [attentionMask] });
  const total = graph.add1({ op: 'Gather', name: `${MASK_SUBGRAPH}/Gather`, inputs: [shape, graph.int64(`${MASK_SUBGRAPH}/total_length_axis`, [1], [])], attributes: [intAttr('axis', 0)] });
  return graph.add1({ op: 'Cast', name: `${MASK_SUBGRAPH}/Gather/Cast`, inputs: [total], attributes: [intAttr('to', DataType.INT32)] });
}
