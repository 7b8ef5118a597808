/**
 * Weight-only quantization (REFERENCE §6): every MatMul/Gemm with a constant 2-D weight becomes com.microsoft
 * MatMulNBits; everything else, the embedding Gather included, is left as it is. The returned model's quantized
 * tensors are produced while it is written (writeModel), in parallel worker threads; call close() afterwards.
 */
import { DataType } from '../../onnx/data-types.ts';
import type { GraphProto, ModelProto, NodeProto, TensorProto } from '../../onnx/types.ts';
import { intAttr } from '../graph/attributes.ts';
import { indexGraph } from '../graph/graph-index.ts';
import { tensorSource } from '../graph/tensor-bytes.ts';
import { UniqueNames } from '../graph/unique-names.ts';
import { OliveError } from '../../errors.ts';
import type { BlockQuantizeSettings } from './block-quantize.ts';
import { findWeightMatMuls, weightBytes, type LeftReason, type WeightMatMul, type WeightPattern } from './find-weight-matmuls.ts';
import { nbitsBias } from './gemm-bias.ts';
import { nbitsTensors, type NBitsTensors } from './nbits-tensors.ts';
import { resolveQuantizeOptions, type QuantizeOptions } from './options.ts';
import { QuantizedWeightStore, type QuantizeThroughput } from './quantized-weight-store.ts';
import type { WeightToQuantize } from './quantize-weight.ts';
import { removeDeadWeights } from './remove-dead-weights.ts';

export interface QuantizedNodeReport {
  node: string;
  opType: string;
  pattern: WeightPattern;
  weight: string;
  k: number;
  n: number;
}

export interface LeftNodeReport {
  node: string;
  opType: string;
  reason: LeftReason;
  weight: string | undefined;
  weightBytes: number;
}

export interface QuantizeReport {
  bits: 4 | 8;
  blockSize: number;
  symmetric: boolean;
  accuracyLevel: number;
  /** Nodes rewritten, distinct weights quantized, their bytes before and after (packed codes + scales + zero points). */
  quantized: { count: number; weights: number; weightBytes: number; quantizedBytes: number; nodes: QuantizedNodeReport[] };
  /** MatMul/Gemm nodes left in float, and the bytes of their constant weights. */
  left: { count: number; weightBytes: number; nodes: LeftNodeReport[] };
}

export interface QuantizeResult {
  model: ModelProto;
  report: QuantizeReport;
  /** Weights quantized so far and the time it took (the work happens while the model is written). */
  throughput(): QuantizeThroughput;
  /** Stop the worker threads. */
  close(): Promise<void>;
}

interface UniqueWeight {
  weight: WeightToQuantize;
  tensors: NBitsTensors;
}

export async function quantizeWeights(model: ModelProto, options: QuantizeOptions): Promise<QuantizeResult> {
  const resolved = resolveQuantizeOptions(options);
  const graph = model.graph;
  if (!graph) throw new OliveError('cannot quantize: the model has no graph');
  const index = indexGraph(graph);
  const search = findWeightMatMuls(model, index);
  const names = new UniqueNames(graph);
  const weights = uniqueWeights(search.found);
  const settings = (weight: WeightToQuantize): BlockQuantizeSettings => ({
    bits: resolved.bits,
    blockSize: resolved.blockSize,
    symmetric: resolved.symmetric,
    scaleType: weight.dataType === DataType.FLOAT16 ? 'float16' : 'float32',
  });
  // One store per scale type: a store quantizes with one set of settings.
  const stores = new Map<string, QuantizedWeightStore>();
  const made = new Map<string, UniqueWeight>();
  for (const [key, weight] of weights) {
    const weightSettings = settings(weight);
    const store = stores.get(weightSettings.scaleType) ?? new QuantizedWeightStore(weightSettings, resolved.threads);
    stores.set(weightSettings.scaleType, store);
    const storeIndex = store.add(weight);
    made.set(key, { weight, tensors: nbitsTensors(weight, storeIndex, store, weightSettings, names) });
  }

  const replacements = new Map<NodeProto, NodeProto>();
  const biases: TensorProto[] = [];
  for (const found of search.found) {
    const { tensors } = made.get(weightKey(found))!;
    const bias = found.bias ? await nbitsBias(found.bias.tensor, found.bias.beta, names) : undefined;
    if (bias && bias !== found.bias?.tensor) biases.push(bias);
    replacements.set(found.node, matMulNBitsNode(found, tensors, bias, resolved.bits, resolved.blockSize, resolved.accuracyLevel));
  }

  const candidates = new Set(search.found.flatMap((found) => [found.weight.name ?? '', found.bias?.tensor.name ?? '']));
  const rewritten = rewriteGraph(graph, replacements, [...made.values()], biases, candidates);
  const quantizedModel: ModelProto = { ...model, graph: rewritten, opset_import: withMicrosoftDomain(model) };
  return {
    model: quantizedModel,
    report: buildReport(resolved, search, [...made.values()]),
    throughput: () => sumThroughput([...stores.values()].map((store) => store.throughput())),
    close: async () => {
      await Promise.all([...stores.values()].map((store) => store.close()));
    },
  };
}

function weightKey(found: WeightMatMul): string {
  return `${found.weight.name ?? ''}\u0000${found.layout}\u0000${found.alpha}`;
}

/** One quantized copy per (initializer, layout, alpha): a weight shared by several products is quantized once. */
function uniqueWeights(found: WeightMatMul[]): Map<string, WeightToQuantize> {
  const weights = new Map<string, WeightToQuantize>();
  for (const product of found) {
    const key = weightKey(product);
    if (weights.has(key)) continue;
    const source = tensorSource(product.weight);
    if (!source) throw new OliveError(`weight '${product.weight.name ?? ''}' of node '${product.node.name ?? ''}' has no data`);
    weights.set(key, {
      name: product.weight.name ?? '',
      source,
      dataType: product.weight.data_type as WeightToQuantize['dataType'],
      layout: product.layout,
      k: product.k,
      n: product.n,
      alpha: product.alpha,
    });
  }
  return weights;
}

function matMulNBitsNode(
  found: WeightMatMul,
  tensors: NBitsTensors,
  bias: TensorProto | undefined,
  bits: number,
  blockSize: number,
  accuracyLevel: number,
): NodeProto {
  const input = [found.activation, tensors.packed.name ?? '', tensors.scales.name ?? ''];
  if (tensors.zeroPoints || bias) input.push(tensors.zeroPoints?.name ?? '');
  // g_idx (input 4) is never used: blocks are contiguous along K.
  if (bias) input.push('', bias.name ?? '');
  const { node } = found;
  return {
    name: node.name,
    op_type: 'MatMulNBits',
    domain: 'com.microsoft',
    input,
    output: [...(node.output ?? [])],
    attribute: [
      intAttr('K', found.k),
      intAttr('N', found.n),
      intAttr('bits', bits),
      intAttr('block_size', blockSize),
      intAttr('accuracy_level', accuracyLevel),
    ],
    ...(node.doc_string ? { doc_string: node.doc_string } : {}),
    // The splitter assigns nodes to splits by their name and their "module" metadata entry.
    ...(node.metadata_props ? { metadata_props: node.metadata_props } : {}),
  };
}

/** `candidates`: the initializers the rewrite may have left unused (weights, replaced biases). */
function rewriteGraph(
  graph: GraphProto,
  replacements: Map<NodeProto, NodeProto>,
  made: UniqueWeight[],
  biases: TensorProto[],
  candidates: Set<string>,
): GraphProto {
  const node = (graph.node ?? []).map((original) => replacements.get(original) ?? original);
  const byWeight = new Map<string, TensorProto[]>();
  for (const { weight, tensors } of made) {
    const list = byWeight.get(weight.name) ?? [];
    list.push(tensors.packed, tensors.scales, ...(tensors.zeroPoints ? [tensors.zeroPoints] : []));
    byWeight.set(weight.name, list);
  }
  // The new tensors take the place of the weight they come from, so the data file keeps the model's order.
  const initializer = (graph.initializer ?? []).flatMap((tensor) => [tensor, ...(byWeight.get(tensor.name ?? '') ?? [])]);
  initializer.push(...biases);
  return removeDeadWeights({ ...graph, node, initializer }, candidates);
}

function withMicrosoftDomain(model: ModelProto): ModelProto['opset_import'] {
  const opsets = [...(model.opset_import ?? [])];
  if (!opsets.some((o) => o.domain === 'com.microsoft')) opsets.push({ domain: 'com.microsoft', version: 1 });
  return opsets;
}

function buildReport(
  resolved: ReturnType<typeof resolveQuantizeOptions>,
  search: ReturnType<typeof findWeightMatMuls>,
  made: UniqueWeight[],
): QuantizeReport {
  const quantizedBytes = made.reduce((sum, { tensors }) => sum + [tensors.packed, tensors.scales, tensors.zeroPoints].reduce(
    (part, tensor) => part + (tensor ? nbitsTensorBytes(tensor) : 0), 0), 0);
  return {
    bits: resolved.bits,
    blockSize: resolved.blockSize,
    symmetric: resolved.symmetric,
    accuracyLevel: resolved.accuracyLevel,
    quantized: {
      count: search.found.length,
      weights: made.length,
      weightBytes: distinctBytes(search.found.map((found) => found.weight)),
      quantizedBytes,
      nodes: search.found.map((found) => ({
        node: found.node.name ?? '',
        opType: found.node.op_type ?? '',
        pattern: found.pattern,
        weight: found.weight.name ?? '',
        k: found.k,
        n: found.n,
      })),
    },
    left: {
      count: search.left.length,
      weightBytes: search.left.reduce((sum, left) => sum + left.weightBytes, 0),
      nodes: search.left.map((left) => ({
        node: left.node.name ?? '',
        opType: left.node.op_type ?? '',
        reason: left.reason,
        weight: left.weight,
        weightBytes: left.weightBytes,
      })),
    },
  };
}

function nbitsTensorBytes(tensor: TensorProto): number {
  const count = (tensor.dims ?? []).reduce<number>((product, d) => product * Number(d), 1);
  return tensor.data_type === DataType.UINT8 ? count : weightBytes(tensor);
}

function distinctBytes(tensors: TensorProto[]): number {
  return [...new Set(tensors)].reduce((sum, tensor) => sum + weightBytes(tensor), 0);
}

function sumThroughput(parts: QuantizeThroughput[]): QuantizeThroughput {
  return parts.reduce(
    (sum, part) => ({
      weights: sum.weights + part.weights,
      sourceBytes: sum.sourceBytes + part.sourceBytes,
      elements: sum.elements + part.elements,
      seconds: Math.max(sum.seconds, part.seconds),
    }),
    { weights: 0, sourceBytes: 0, elements: 0, seconds: 0 },
  );
}
