/**
 * Weight-only quantization (REFERENCE §6): every MatMul, Gemm and FusedMatMul with a constant 2-D weight becomes
 * com.microsoft MatMulNBits; everything else, the embedding Gather included, is left as it is. The returned model's quantized
 * tensors are produced while it is written (writeModel), in parallel worker threads; call close() afterwards.
 */
import type { GraphProto, ModelProto, NodeProto, TensorProto } from '../../onnx/types.ts';
import { intAttr } from '../../onnx/make-attribute.ts';
import { indexGraph } from '../graph/graph-index.ts';
import { tensorSource } from '../graph/typed-tensor-source.ts';
import { UniqueNames } from '../graph/unique-names.ts';
import { OliveError } from '../../errors.ts';
import type { TensorSource } from '../../onnx/tensor-source.ts';
import { findWeightMatMuls, type WeightMatMul } from './find-weight-matmuls.ts';
import { nbitsBias } from './gemm-bias.ts';
import { nbitsTensors, type NBitsTensors } from './nbits-tensors.ts';
import { resolveQuantizeOptions, type QuantizeOptions, type ResolvedQuantizeOptions } from './options.ts';
import { QuantizedWeightStore, type QuantizeThroughput } from './quantized-weight-store.ts';
import type { WeightToQuantize } from './quantize-weight.ts';
import { removeDeadWeights } from './remove-dead-weights.ts';
import { quantizeReport, type QuantizeReport } from './quantize-report.ts';

export interface QuantizeResult {
  model: ModelProto;
  report: QuantizeReport;
  /** Weights quantized so far and the time it took (the work happens while the model is written). */
  throughput(): QuantizeThroughput;
  /** Stop the worker threads. */
  close(): Promise<void>;
}

export type { QuantizeReport } from './quantize-report.ts';

interface UniqueWeight {
  weight: WeightToQuantize;
  tensors: NBitsTensors;
}

export async function quantizeWeights(model: ModelProto, options: QuantizeOptions): Promise<QuantizeResult> {
  const resolved = resolveQuantizeOptions(options);
  const graph = model.graph;
  if (!graph) throw new OliveError('cannot quantize: the model has no graph');
  const search = findWeightMatMuls(model, indexGraph(graph));
  const names = new UniqueNames(graph);
  const store = new QuantizedWeightStore({ bits: resolved.bits, blockSize: resolved.blockSize, symmetric: resolved.symmetric }, resolved.threads);
  const made = new Map<string, UniqueWeight>();
  for (const [key, weight] of uniqueWeights(search.found)) {
    made.set(key, { weight, tensors: nbitsTensors(weight, store.add(weight), store, resolved, names) });
  }
  const { replacements, biases } = await nbitsNodes(search.found, made, resolved, names);
  const candidates = new Set(search.found.flatMap((found) => [found.weight.name ?? '', found.bias?.tensor.name ?? '']));
  const graphOut = rewriteGraph(graph, replacements, [...made.values()], biases, candidates);
  return {
    model: { ...model, graph: graphOut, opset_import: withMicrosoftDomain(model) },
    report: quantizeReport(resolved, search, [...made.values()].map(({ tensors }) => tensors)),
    throughput: () => store.throughput(),
    close: () => store.close(),
  };
}

async function nbitsNodes(
  found: WeightMatMul[],
  made: Map<string, UniqueWeight>,
  resolved: ResolvedQuantizeOptions,
  names: UniqueNames,
): Promise<{ replacements: Map<NodeProto, NodeProto>; biases: TensorProto[] }> {
  const replacements = new Map<NodeProto, NodeProto>();
  const biases: TensorProto[] = [];
  for (const product of found) {
    const { tensors } = made.get(weightKey(product))!;
    const bias = product.bias ? await nbitsBias(product.bias.tensor, product.bias.beta, names) : undefined;
    if (bias && bias !== product.bias?.tensor) biases.push(bias);
    replacements.set(product.node, matMulNBitsNode(product, tensors, bias, resolved));
  }
  return { replacements, biases };
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
      ...untransposed(source, product),
      dataType: product.weight.data_type as WeightToQuantize['dataType'],
      k: product.k,
      n: product.n,
      alpha: product.alpha,
    });
  }
  return weights;
}

/**
 * A [K, N] weight made by transposing an [N, K] matrix (a checkpoint's Linear weight) is quantized from that
 * matrix directly, as MatMulNBits lays it out: the same blocks, without transposing there and back.
 */
function untransposed(source: TensorSource, product: WeightMatMul): Pick<WeightToQuantize, 'source' | 'layout' | 'sourceFormat'> {
  const origin = source.kind === 'producer' ? source.transposeOf : undefined;
  if (product.layout === 'kn' && origin && origin.rows === product.n && origin.cols === product.k) return { ...unwidened(origin.source), layout: 'nk' };
  return { ...unwidened(source), layout: product.layout };
}

/** A float32 weight widened from bf16/fp16 values is read as those values (the worker widens them, exactly). */
function unwidened(source: TensorSource): Pick<WeightToQuantize, 'source' | 'sourceFormat'> {
  const origin = source.kind === 'producer' ? source.widenedFrom : undefined;
  return origin ? { source: origin.source, sourceFormat: origin.format } : { source };
}

function matMulNBitsNode(found: WeightMatMul, tensors: NBitsTensors, bias: TensorProto | undefined, resolved: ResolvedQuantizeOptions): NodeProto {
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
      intAttr('bits', resolved.bits),
      intAttr('block_size', resolved.blockSize),
      intAttr('accuracy_level', resolved.accuracyLevel),
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
