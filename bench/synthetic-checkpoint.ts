/**
 * A checkpoint of real shapes and pseudo-random weights for benchmarks: every tensor the architecture's modules
 * hold (src/arch), its bytes cut from one random block so gigabytes are written without being generated.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeModules } from '../src/arch/describe-modules.ts';
import { encodeFloats } from '../src/onnx/float-formats.ts';
import type { HfConfig } from '../src/hf/config.ts';
import { STORAGE_DTYPE_BYTES, writeSafetensors, type StorageDtype, type TensorPlan } from '../scripts/fixtures/write-safetensors.ts';

/** Values in the block every tensor is cut from: incompressible bytes, made once. */
const BLOCK_VALUES = 4 * 1024 * 1024;
/** Small weights, like a trained model's, so float conversions see realistic magnitudes. */
const WEIGHT_SCALE = 0.05;

export interface SyntheticOptions {
  /**
   * Start each tensor at its own place in the block (wrapping round), so that no two tensors hold the same bytes.
   * Memory benchmarks need it: ONNX Runtime keeps one prepacked copy of weights whose bytes are identical, so
   * tensors cut from the same start would measure less than a real checkpoint does.
   */
  distinctTensors?: boolean;
}

/** Writes config.json and model.safetensors into modelDir; returns the bytes of weights written. */
export async function writeSyntheticCheckpoint(modelDir: string, config: HfConfig, dtype: StorageDtype, options: SyntheticOptions = {}): Promise<number> {
  await writeFile(path.join(modelDir, 'config.json'), JSON.stringify(config));
  const plans = tensorPlans(config, dtype, randomBlock(dtype), options.distinctTensors ?? false);
  await writeSafetensors(path.join(modelDir, 'model.safetensors'), plans);
  return plans.reduce((sum, plan) => sum + elementCount(plan.shape) * STORAGE_DTYPE_BYTES[dtype], 0);
}

function tensorPlans(config: HfConfig, dtype: StorageDtype, block: Uint8Array, distinct: boolean): TensorPlan[] {
  const weights = new Map<string, number[]>();
  // a tied lm_head lists the embedding's tensor again: the checkpoint stores it once
  for (const module of describeModules(config)) for (const weight of module.weights) weights.set(weight.name, [...weight.shape]);
  const elementBytes = STORAGE_DTYPE_BYTES[dtype];
  return [...weights].map(([name, shape], index) => ({
    name,
    shape,
    dtype,
    bytes: () => blockChunks(block, elementCount(shape) * elementBytes, distinct ? startOf(index, block.length, elementBytes) : 0),
  }));
}

function randomBlock(dtype: StorageDtype): Uint8Array {
  let state = 12345;
  const values = Float32Array.from({ length: BLOCK_VALUES }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * WEIGHT_SCALE;
  });
  return encodeFloats(values, dtype);
}

/** A start a prime number of elements further on for each tensor, so starts differ for thousands of tensors. */
function startOf(index: number, blockBytes: number, elementBytes: number): number {
  return ((index * 7919 * elementBytes) % blockBytes) - (((index * 7919 * elementBytes) % blockBytes) % elementBytes);
}

function* blockChunks(block: Uint8Array, length: number, start = 0): Generator<Uint8Array> {
  let at = start;
  for (let done = 0; done < length; ) {
    const chunk = block.subarray(at, Math.min(block.length, at + length - done));
    yield chunk;
    done += chunk.length;
    at = 0;
  }
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
