/**
 * Olive's precision names, one vocabulary for every stage: what a cost table prices weights at, what auto-opt
 * writes, and the float type a built graph computes in. Each narrower set is a subset of Precision.
 */
export type Precision = 'fp32' | 'fp16' | 'bf16' | 'int8' | 'fp8' | 'int4';

/** What a cost table can price weights at (Olive's list). */
export const WEIGHT_PRECISIONS = ['fp32', 'fp16', 'bf16', 'int8', 'fp8', 'int4'] as const satisfies readonly Precision[];

/** What auto-opt writes: a float model, or one whose MatMul weights are quantized afterwards. */
export type OutputPrecision = Extract<Precision, 'fp32' | 'fp16' | 'int4' | 'int8'>;
export const OUTPUT_PRECISIONS = ['fp32', 'fp16', 'int4', 'int8'] as const satisfies readonly OutputPrecision[];

/** The float type of a graph's I/O and activations: what the converter builds (int4/int8 quantize afterwards). */
export type FloatPrecision = Extract<Precision, 'fp32' | 'fp16'>;
export const FLOAT_PRECISIONS = ['fp32', 'fp16'] as const satisfies readonly FloatPrecision[];

/** The float type of the I/O a runtime estimate sizes (a bf16 model keeps bf16 I/O). */
export type IoPrecision = Extract<Precision, 'fp32' | 'fp16' | 'bf16'>;
