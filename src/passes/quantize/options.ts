/** Options of the weight quantization pass, their defaults and their validation. */
import os from 'node:os';
import { OliveError } from '../../errors.ts';
import type { QuantBits } from './block-quantize.ts';

import type { ExecutionProvider } from '../../providers.ts';

export interface QuantizeOptions {
  bits: QuantBits;
  /** Elements along K that share a scale: 16, 32, 64, 128 or 256. Default 32. */
  blockSize?: number;
  /** Symmetric (no zero points, implied 8 or 128) by default; false writes per-block zero points. */
  symmetric?: boolean;
  /** MatMulNBits accuracy_level 0-4; default 4 (int8 compute) on CPU, 0 otherwise. */
  accuracyLevel?: number;
  /** Only decides the accuracy_level default. */
  provider?: ExecutionProvider;
  /** Worker threads; default: the machine's parallelism, at most MAX_QUANTIZE_THREADS. */
  threads?: number;
}

export interface ResolvedQuantizeOptions {
  bits: QuantBits;
  blockSize: number;
  symmetric: boolean;
  accuracyLevel: number;
  threads: number;
}

export const DEFAULT_BLOCK_SIZE = 32;
/** ONNX Runtime's CPU MatMulNBits kernel takes block sizes 16, 32, 64, 128 and 256 only (it refuses to load others). */
export const MIN_BLOCK_SIZE = 16;
export const MAX_BLOCK_SIZE = 256;
/** Beyond this many workers the file reads and the result placement on the main thread become the bottleneck. */
export const MAX_QUANTIZE_THREADS = 8;

export function resolveQuantizeOptions(options: QuantizeOptions): ResolvedQuantizeOptions {
  if (options.bits !== 4 && options.bits !== 8) throw new OliveError(`quantization bits ${String(options.bits)} is not supported: use 4 or 8`);
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (!Number.isInteger(blockSize) || blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || (blockSize & (blockSize - 1)) !== 0) {
    throw new OliveError(`block size ${blockSize} is invalid: it must be a power of two from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE}`);
  }
  const provider = options.provider ?? 'CPUExecutionProvider';
  const accuracyLevel = options.accuracyLevel ?? (provider === 'CPUExecutionProvider' ? 4 : 0);
  if (!Number.isInteger(accuracyLevel) || accuracyLevel < 0 || accuracyLevel > 4) {
    throw new OliveError(`accuracy level ${accuracyLevel} is invalid: it must be a whole number from 0 to 4`);
  }
  const threads = options.threads ?? Math.min(os.availableParallelism(), MAX_QUANTIZE_THREADS);
  if (!Number.isInteger(threads) || threads < 1) throw new OliveError(`quantization threads ${threads} must be a positive whole number`);
  return { bits: options.bits, blockSize, symmetric: options.symmetric ?? true, accuracyLevel, threads };
}
