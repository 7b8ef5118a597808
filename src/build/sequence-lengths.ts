/**
 * GroupQueryAttention's seqlens_k (tokens seen per batch row − 1, int32 [B]) and total_sequence_length (int32
 * scalar), both derived from attention_mask inside the graph as ORT GenAI's models do. Shared by every layer, so
 * these nodes carry no module: the splitter places them with their first consumer.
 */
import { DataType } from '../onnx/data-types.ts';
import { intAttribute } from './attributes.ts';
import type { GraphBuilder } from './graph-builder.ts';

const PREFIX = '/model/attn_mask_reformat/attn_mask_subgraph';

export interface SequenceLengths {
  seqlensK: string;
  totalSequenceLength: string;
}

export function addSequenceLengths(graph: GraphBuilder, attentionMask: string): SequenceLengths {
  const sum = graph.add1({
    op: 'ReduceSum',
    name: `${PREFIX}/ReduceSum`,
    inputs: [attentionMask, graph.int64(`${PREFIX}/axes`, [1])],
    attributes: [intAttribute('keepdims', 0)],
  });
  const lastIndex = graph.add1({ op: 'Sub', name: `${PREFIX}/Sub`, inputs: [sum, graph.int64(`${PREFIX}/one`, [1], [])] });
  const seqlensK = graph.add1({ op: 'Cast', name: `${PREFIX}/Sub/Cast`, inputs: [lastIndex], attributes: [intAttribute('to', DataType.INT32)] });
  const shape = graph.add1({ op: 'Shape', name: `${PREFIX}/Shape`, inputs: [attentionMask] });
  const total = graph.add1({ op: 'Gather', name: `${PREFIX}/Gather`, inputs: [shape, graph.int64(`${PREFIX}/total_length_axis`, [1], [])], attributes: [intAttribute('axis', 0)] });
  const totalSequenceLength = graph.add1({ op: 'Cast', name: `${PREFIX}/Gather/Cast`, inputs: [total], attributes: [intAttribute('to', DataType.INT32)] });
  return { seqlensK, totalSequenceLength };
}
