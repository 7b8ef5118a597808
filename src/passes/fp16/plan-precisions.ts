/**
 * Decide, value by value, whether a float tensor is float16 or float32 after conversion: a node computes in fp16
 * when its provider has an fp16 kernel for it; a value is fp16 when an fp16 node makes it; an initializer is fp16
 * when some fp16 node reads it; graph inputs follow keepIoTypes.
 */
import type { GraphProto, NodeProto } from '../../onnx/types.ts';
import { indexGraph } from '../graph/graph-index.ts';
import type { FloatPrecision } from '../../precisions.ts';
import type { ExecutionProvider } from '../../providers.ts';
import { FLOAT32_ONLY_INPUTS, IN_PLACE_INPUTS, opKey, runsInFp16 } from './fp16-kernels.ts';
import { floatValues, STATISTICS_OUTPUTS } from './float-values.ts';


export interface PrecisionPlan {
  floats: Set<string>;
  fp16Nodes: Set<NodeProto>;
  precision: Map<string, FloatPrecision>;
}

export function planPrecisions(graph: GraphProto, provider: ExecutionProvider, keepIoTypes: boolean): PrecisionPlan {
  const floats = floatValues(graph);
  const precision = new Map<string, FloatPrecision>();
  for (const input of graph.input ?? []) if (floats.has(input.name ?? '')) precision.set(input.name ?? '', keepIoTypes ? 'fp32' : 'fp16');
  const touchesFloat = (n: NodeProto) => [...(n.input ?? []), ...(n.output ?? [])].some((v) => floats.has(v));
  const inPlaceFromFp32Input = (n: NodeProto) =>
    (IN_PLACE_INPUTS.get(opKey(n.op_type ?? '', n.domain)) ?? []).some((i) => precision.get(n.input?.[i] ?? '') === 'fp32');
  const fp16Nodes = new Set((graph.node ?? []).filter((n) => touchesFloat(n) && runsInFp16(n.op_type ?? '', n.domain, provider) && !inPlaceFromFp32Input(n)));
  const index = indexGraph(graph);
  for (const tensor of graph.initializer ?? []) {
    const name = tensor.name ?? '';
    if (!floats.has(name)) continue;
    const readInFp16 = (index.consumers.get(name) ?? []).some((n) => fp16Nodes.has(n) && (n.input ?? []).some((v, i) => v === name && needsFp16(n, i, fp16Nodes)));
    precision.set(name, readInFp16 ? 'fp16' : 'fp32');
  }
  for (const n of graph.node ?? []) {
    const statistics = STATISTICS_OUTPUTS.get(opKey(n.op_type ?? '', n.domain)) ?? [];
    (n.output ?? []).forEach((output, i) => {
      if (floats.has(output)) precision.set(output, fp16Nodes.has(n) && !statistics.includes(i) ? 'fp16' : 'fp32');
    });
  }
  return { floats, fp16Nodes, precision };
}

/** Whether input `index` of `n` must be fp16: fp16 nodes read fp16 except float32-only slots; Cast reads anything. */
export function needsFp16(n: NodeProto, index: number, fp16Nodes: Set<NodeProto>): boolean {
  if (!fp16Nodes.has(n) || n.op_type === 'Cast') return false;
  return !(FLOAT32_ONLY_INPUTS.get(opKey(n.op_type ?? '', n.domain)) ?? []).includes(index);
}
