/** What the quantization pass did: the products it rewrote, and those it left with the reason and their bytes. */
import type { TensorProto } from '../../onnx/types.ts';
import { type LeftReason, type WeightMatMulSearch, type WeightPattern } from './find-weight-matmuls.ts';
import { tensorByteLength } from '../../onnx/tensor-size.ts';
import type { NBitsTensors } from './nbits-tensors.ts';
import type { ResolvedQuantizeOptions } from './options.ts';

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
  /** MatMul/Gemm/FusedMatMul nodes left in float, and the bytes of their constant weights. */
  left: { count: number; weightBytes: number; nodes: LeftNodeReport[] };
}

export function quantizeReport(resolved: ResolvedQuantizeOptions, search: WeightMatMulSearch, made: NBitsTensors[]): QuantizeReport {
  const quantizedBytes = made
    .flatMap((tensors) => [tensors.packed, tensors.scales, tensors.zeroPoints])
    .reduce((sum, tensor) => sum + (tensor ? tensorByteLength(tensor) : 0), 0);
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

function distinctBytes(tensors: TensorProto[]): number {
  return [...new Set(tensors)].reduce((sum, tensor) => sum + tensorByteLength(tensor), 0);
}
