/** A model written with external data runs in onnxruntime-node exactly like its inline twin. */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { expect, test } from 'vitest';
import { readModel } from '../../src/onnx/read-model.ts';
import { setTensorSource } from '../../src/onnx/tensor-source.ts';
import { writeModel } from '../../src/onnx/write-model.ts';
import { matMulAddModel, seededRandom, useTempDirs } from './helpers.ts';

const K = 256;
const N = 192; // W is 256 × 192 × 4 bytes = 192 KiB, far above the threshold
const ROWS = 3;
const THRESHOLD_BYTES = 1024;

const tempDir = useTempDirs();

async function run(file: string, input: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file, { logSeverityLevel: 3 });
  try {
    const { Y } = await session.run({ X: new ort.Tensor('float32', input, [ROWS, K]) });
    return Y.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Y = X·W + B computed here, so that equal outputs cannot both be wrong the same way. */
function reference(model: ReturnType<typeof matMulAddModel>, x: Float32Array): Float32Array {
  const [w, b] = model.graph!.initializer!.map((t) => new Float32Array(t.raw_data!.slice().buffer));
  const y = new Float32Array(ROWS * N);
  for (let r = 0; r < ROWS; r++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += x[r * K + k] * w[k * N + n];
      y[r * N + n] = sum + b[n];
    }
  }
  return y;
}

test('external-data model gives the same outputs as its inline twin in onnxruntime-node', async () => {
  const dir = await tempDir();
  const model = matMulAddModel(K, N);
  const inline = await writeModel(path.join(dir, 'inline.onnx'), model, { externalThresholdBytes: Number.POSITIVE_INFINITY });
  const external = await writeModel(path.join(dir, 'external.onnx'), model, { externalThresholdBytes: THRESHOLD_BYTES });
  expect(inline.dataPath).toBeUndefined();
  expect(external.externalTensors).toBe(1);
  expect(external.modelBytes).toBeLessThan(THRESHOLD_BYTES * 2);

  const random = seededRandom(3);
  const x = Float32Array.from({ length: ROWS * K }, () => random() * 2 - 1);
  const fromInline = await run(inline.modelPath, x);
  const fromExternal = await run(external.modelPath, x);
  expect(Array.from(fromExternal)).toEqual(Array.from(fromInline));
  const expected = reference(model, x);
  for (const [i, value] of fromExternal.entries()) expect(value).toBeCloseTo(expected[i], 3);
});

test('weights streamed from a lazily scanned file and from a producer reach onnxruntime intact', async () => {
  const dir = await tempDir();
  const model = matMulAddModel(K, N, 9);
  const inlineFile = path.join(dir, 'inline.onnx');
  await writeModel(inlineFile, model, { externalThresholdBytes: Number.POSITIVE_INFINITY });
  const scanned = await readModel(inlineFile, { lazyThresholdBytes: 0 });
  const [w, b] = scanned.model.graph!.initializer!;
  const bias = model.graph!.initializer![1].raw_data!;
  setTensorSource(b, { kind: 'producer', length: bias.length, produce: async () => bias });
  const rewritten = await writeModel(path.join(dir, 'rewritten.onnx'), scanned.model, { externalThresholdBytes: 512 });
  expect(rewritten.externalTensors).toBe(2);
  expect(w.raw_data?.length ?? 0).toBe(0);

  const random = seededRandom(4);
  const x = Float32Array.from({ length: ROWS * K }, () => random());
  expect(Array.from(await run(rewritten.modelPath, x))).toEqual(Array.from(await run(inlineFile, x)));
});
