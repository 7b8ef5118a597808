import type { Precision } from '../precisions.ts';

export const BYTES_PER_WEIGHT: Record<Precision, number> = {
  fp32: 4,
  fp16: 2,
  bf16: 2,
  int8: 1,
  fp8: 1,
  int4: 0.5,
};

/** Bytes of a module's weights; int4 rounds up to whole bytes (Olive writes "1536.0", which its own reader rejects). */
export function weightBytes(params: number, precision: Precision): number {
  return Math.ceil(params * BYTES_PER_WEIGHT[precision]);
}
