/**
 * Find the matrix products whose weight is a constant: MatMul(A, W), MatMul(A, Transpose(W)), Gemm(A, W[, C]) and
 * com.microsoft FusedMatMul(A, W) (what ORT's optimizer makes of MatMul followed by a scale), W a 2-D float
 * initializer. Every other MatMul, Gemm and FusedMatMul is listed with the reason it stays as it is.
 */
import { DataType } from '../../onnx/data-types.ts';
import { int64ToNumber } from '../../onnx/proto.ts';
import type { ModelProto, NodeProto, TensorProto } from '../../onnx/types.ts';
import { floatAttribute, intAttribute, intsAttribute } from '../graph/attributes.ts';
import type { GraphIndex } from '../graph/graph-index.ts';
import { elementCount, tensorByteLength, tensorDims } from '../../onnx/tensor-size.ts';
import type { WeightLayout } from './slab-job.ts';

export type WeightPattern = 'matmul' | 'matmul-transpose' | 'gemm' | 'fused-matmul';

export type LeftReason =
  | 'weight-not-constant'
  | 'weight-overridable-input'
  | 'weight-not-2d'
  | 'weight-not-float'
  | 'gemm-transposed-a'
  | 'fused-matmul-transposed-a'
  | 'gemm-bias-not-constant-vector';

export interface WeightMatMul {
  node: NodeProto;
  pattern: WeightPattern;
  activation: string;
  weight: TensorProto;
  /** The Transpose node between the initializer and the product, if any. */
  transpose: NodeProto | undefined;
  layout: WeightLayout;
  k: number;
  n: number;
  /** Gemm's alpha, 1 for MatMul. */
  alpha: number;
  bias: { tensor: TensorProto; beta: number } | undefined;
}

export interface LeftMatMul {
  node: NodeProto;
  reason: LeftReason;
  /** The constant weight's name and bytes when there is one (0 otherwise). */
  weight: string | undefined;
  weightBytes: number;
}

export interface WeightMatMulSearch {
  found: WeightMatMul[];
  left: LeftMatMul[];
}

interface ConstantWeight {
  tensor: TensorProto;
  transpose: NodeProto | undefined;
}

export function findWeightMatMuls(model: ModelProto, index: GraphIndex): WeightMatMulSearch {
  const search: WeightMatMulSearch = { found: [], left: [] };
  const legacyInputs = int64ToNumber(model.ir_version) < 4;
  for (const node of model.graph?.node ?? []) {
    if (!isProduct(node)) continue;
    const result = classify(node, index, legacyInputs);
    if ('reason' in result) search.left.push(result);
    else search.found.push(result);
  }
  return search;
}

function isProduct(node: NodeProto): boolean {
  const domain = node.domain ?? '';
  if (domain === 'com.microsoft') return node.op_type === 'FusedMatMul';
  return domain === '' && (node.op_type === 'MatMul' || node.op_type === 'Gemm');
}

function classify(node: NodeProto, index: GraphIndex, legacyInputs: boolean): WeightMatMul | LeftMatMul {
  const weight = constantWeight(node.input?.[1] ?? '', index);
  if (!weight) return leave(node, 'weight-not-constant', undefined);
  const { tensor } = weight;
  // From IR 4 an initializer that is also a graph input is only a default the caller may replace.
  if (!legacyInputs && index.graphInputs.has(tensor.name ?? '')) return leave(node, 'weight-overridable-input', tensor);
  const dims = tensorDims(tensor);
  if (dims.length !== 2 || dims.some((d) => d <= 0)) return leave(node, 'weight-not-2d', tensor);
  if (tensor.data_type !== DataType.FLOAT && tensor.data_type !== DataType.FLOAT16) return leave(node, 'weight-not-float', tensor);
  if (node.op_type === 'MatMul') return matMul(node, weight, dims, 'kn');
  if (node.op_type === 'FusedMatMul') return fusedMatMul(node, weight, dims);
  return gemm(node, weight, dims, index);
}

/** The initializer feeding a B input, directly or through a 2-D Transpose. */
function constantWeight(name: string, index: GraphIndex): ConstantWeight | undefined {
  const direct = index.initializers.get(name);
  if (direct) return { tensor: direct, transpose: undefined };
  const producer = index.producers.get(name);
  if (!producer || producer.op_type !== 'Transpose' || (producer.domain ?? '') !== '') return undefined;
  const tensor = index.initializers.get(producer.input?.[0] ?? '');
  const perm = intsAttribute(producer, 'perm');
  if (!tensor || (perm && !(perm.length === 2 && perm[0] === 1 && perm[1] === 0))) return undefined;
  return { tensor, transpose: producer };
}

function matMul(node: NodeProto, weight: ConstantWeight, dims: number[], untransposed: WeightLayout): WeightMatMul {
  const layout = weight.transpose ? flip(untransposed) : untransposed;
  const [k, n] = layout === 'kn' ? dims : [dims[1], dims[0]];
  return {
    node,
    pattern: PATTERN_OF_OP[node.op_type ?? ''] ?? (weight.transpose ? 'matmul-transpose' : 'matmul'),
    activation: node.input?.[0] ?? '',
    weight: weight.tensor,
    transpose: weight.transpose,
    layout,
    k,
    n,
    alpha: 1,
    bias: undefined,
  };
}

const PATTERN_OF_OP: Record<string, WeightPattern> = { Gemm: 'gemm', FusedMatMul: 'fused-matmul' };

/** alpha·op(A)·op(B): only a plain A (no transA, no batch transposes) maps onto MatMulNBits. */
function fusedMatMul(node: NodeProto, weight: ConstantWeight, dims: number[]): WeightMatMul | LeftMatMul {
  const transposedA = ['transA', 'transBatchA', 'transBatchB'].some((name) => intAttribute(node, name, 0) !== 0);
  if (transposedA) return leave(node, 'fused-matmul-transposed-a', weight.tensor);
  const found = matMul(node, weight, dims, intAttribute(node, 'transB', 0) ? 'nk' : 'kn');
  found.alpha = floatAttribute(node, 'alpha', 1);
  return found;
}

function gemm(node: NodeProto, weight: ConstantWeight, dims: number[], index: GraphIndex): WeightMatMul | LeftMatMul {
  if (intAttribute(node, 'transA', 0) !== 0) return leave(node, 'gemm-transposed-a', weight.tensor);
  const found = matMul(node, weight, dims, intAttribute(node, 'transB', 0) ? 'nk' : 'kn');
  found.alpha = floatAttribute(node, 'alpha', 1);
  const biasName = node.input?.[2] ?? '';
  if (!biasName) return found;
  const bias = index.initializers.get(biasName);
  const biasDims = bias ? tensorDims(bias) : [];
  const isVector = biasDims.length >= 1 && biasDims.length <= 2 && biasDims[biasDims.length - 1] === found.n && elementCount(biasDims) === found.n;
  if (!bias || !isVector || bias.data_type !== weight.tensor.data_type) return leave(node, 'gemm-bias-not-constant-vector', weight.tensor);
  found.bias = { tensor: bias, beta: floatAttribute(node, 'beta', 1) };
  return found;
}

function flip(layout: WeightLayout): WeightLayout {
  return layout === 'kn' ? 'nk' : 'kn';
}

function leave(node: NodeProto, reason: LeftReason, weight: TensorProto | undefined): LeftMatMul {
  return { node, reason, weight: weight?.name, weightBytes: weight ? tensorByteLength(weight) : 0 };
}

