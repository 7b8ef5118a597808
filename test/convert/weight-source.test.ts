import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { weightSource, transposeMatrix } from '../../src/convert/weight-source.ts';
import type { CheckpointTensor } from '../../src/hf/checkpoint.ts';
import { convertFloats, encodeFloats, type FloatFormat } from '../../src/onnx/float-formats.ts';
import { readSource } from '../../src/onnx/tensor-source.ts';
import { seededRandom, useTempDirs } from '../onnx/helpers.ts';

const tempDir = useTempDirs();

/** A bf16 [rows, cols] weight in a file, at an offset, as a safetensors shard holds it. */
async function storedWeight(rows: number, cols: number, dtype: FloatFormat): Promise<{ tensor: CheckpointTensor; bytes: Uint8Array }> {
  const random = seededRandom(rows + cols);
  const bytes = encodeFloats(Float32Array.from({ length: rows * cols }, () => random() - 0.5), dtype);
  const file = path.join(await tempDir(), 'weights.bin');
  const offset = 24;
  await writeFile(file, Buffer.concat([Buffer.alloc(offset), bytes]));
  return { tensor: { name: 'w', file, offset, length: bytes.length, dtype, shape: [rows, cols] } as CheckpointTensor, bytes };
}

describe('weightSource: conversion and transpose in worker threads', () => {
  // 1024 × 3000 bf16 is two 4 MiB bands of output rows, the second partial
  for (const [from, to] of [['BF16', 'F16'], ['BF16', 'F32'], ['F32', 'F16'], ['F16', 'F16']] as [FloatFormat, FloatFormat][]) {
    it(`${from} → ${to} transposed equals transposing then converting on the main thread`, async () => {
      const [rows, cols] = [1024, 3000];
      const { tensor, bytes } = await storedWeight(rows, cols, from);
      const width = from === 'F32' ? 4 : 2;
      const elements = width === 4 ? new Uint32Array(bytes.buffer, bytes.byteOffset, rows * cols) : new Uint16Array(bytes.buffer, bytes.byteOffset, rows * cols);
      const swapped = transposeMatrix(elements, rows, cols);
      const expected = convertFloats(new Uint8Array(swapped.buffer), from, to);
      const source = weightSource(tensor, to as 'F16' | 'F32', { transpose: true });
      expect(Buffer.from(await readSource(source)).equals(Buffer.from(expected))).toBe(true);
    });
  }

  it('a plain conversion streams in chunks through the workers, in order', async () => {
    const { tensor, bytes } = await storedWeight(3000, 2048, 'BF16');
    const source = weightSource(tensor, 'F32');
    expect(Buffer.from(await readSource(source)).equals(Buffer.from(convertFloats(bytes, 'BF16', 'F32')))).toBe(true);
  });

  it('a small tensor (read into a view of Node\'s shared Buffer pool) converts to exactly its own bytes', async () => {
    const { tensor, bytes } = await storedWeight(4, 16, 'BF16');
    const converted = await readSource(weightSource(tensor, 'F16'));
    expect(Buffer.from(converted).equals(Buffer.from(convertFloats(bytes, 'BF16', 'F16')))).toBe(true);
  });
});
