/** optimizeOnnxModel on a decoder the builder made (GroupQueryAttention, fused norms, tied lm_head as Gemm). */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDecoder } from '../../src/convert/index.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import * as ort from 'onnxruntime-node';
import { decodeFloats } from '../../src/onnx/float-formats.ts';
import { DataType } from '../../src/onnx/data-types.ts';
import { optimizeOnnxModel } from '../../src/passes/optimize-onnx-model.ts';
import { syntheticFeeds } from '../../src/passes/verify/synthetic-feeds.ts';
import { cosine } from './onnx-test-models.ts';

async function logits(modelPath: string): Promise<Float32Array> {
  const { model } = await readModel(modelPath);
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const { logits: out } = await session.run(syntheticFeeds(model));
    if (out.type === 'float32') return out.data as Float32Array;
    const halves = out.data as Uint16Array;
    return decodeFloats(new Uint8Array(halves.buffer, halves.byteOffset, halves.byteLength), 'F16');
  } finally {
    await session.release();
  }
}


let dir: string;
let builtModel: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'olive-built-pipeline-'));
  const built = await buildDecoder({ modelDir: 'fixtures/tiny-llama', outDir: path.join(dir, 'fp32'), precision: 'fp32', provider: 'CPUExecutionProvider' });
  builtModel = built.modelPath;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('optimizeOnnxModel on a built decoder', () => {
  it('fp32: ORT optimization changes no output', async () => {
    const report = await optimizeOnnxModel(builtModel, path.join(dir, 'opt'), { precision: 'fp32' });
    expect(report.verification!.map((v) => v.name)).toContain('logits');
    for (const output of report.verification!) expect(output.maxAbsDiff, output.name).toBeLessThanOrEqual(1e-5 * output.maxAbsReference);
  });

  it('int4 on CPU: every projection and the tied lm_head quantized, the embedding table kept for Gather', async () => {
    const report = await optimizeOnnxModel(builtModel, path.join(dir, 'int4'), { precision: 'int4', threads: 2 });
    expect(report.quantize!.quantized.count).toBe(29); // 4 layers × (q, k, v, o, gate, up, down) + lm_head
    expect(report.quantize!.left.count).toBe(0);
    expect(report.quantize!.accuracyLevel).toBe(4);
    const written = (await readModel(report.modelPath)).model;
    expect(written.graph!.node!.some((n) => n.op_type === 'Gather' && n.input![0] === 'model.embed_tokens.weight')).toBe(true);
    const logits = report.verification!.find((v) => v.name === 'logits')!;
    expect(logits.maxAbsDiff).toBeLessThan(0.3 * logits.maxAbsReference);
  });

  it('fp16 keeping float32 I/O runs: GroupQueryAttention stays float32 where its KV cache arrives in float32', async () => {
    for (const provider of ['CPUExecutionProvider', 'CUDAExecutionProvider'] as const) {
      const report = await optimizeOnnxModel(builtModel, path.join(dir, `fp16-${provider}`), { precision: 'fp16', keepIoTypes: true, provider });
      expect(report.fp16!.fp32Nodes.GroupQueryAttention).toBe(4);
      const logits = report.verification!.find((v) => v.name === 'logits')!;
      expect(logits.maxAbsDiff).toBeLessThan(0.01 * logits.maxAbsReference);
    }
  });

  it('int4 for CUDA: fp16 weights, fp16 scales and fp16 I/O; runs (on the CPU provider) close to fp32', async () => {
    const report = await optimizeOnnxModel(builtModel, path.join(dir, 'cuda-int4'), { precision: 'int4', provider: 'CUDAExecutionProvider', threads: 2 });
    expect(report.quantize!.accuracyLevel).toBe(0);
    expect(report.verification).toBeUndefined(); // its inputs are fp16: not comparable feed for feed
    const written = (await readModel(report.modelPath)).model;
    const scales = written.graph!.initializer!.filter((t) => t.name!.endsWith('_scales'));
    expect(scales.length).toBe(report.quantize!.quantized.weights);
    expect(scales.every((t) => t.data_type === DataType.FLOAT16)).toBe(true);
    expect(written.graph!.input!.find((v) => v.name === 'past_key_values.0.key')!.type!.tensor_type!.elem_type).toBe(DataType.FLOAT16);
    expect(cosine(await logits(builtModel), await logits(report.modelPath))).toBeGreaterThan(0.95);
  });

  it('int4 for CUDA on a model built in fp16: quantized as it is, not converted again', async () => {
    const built16 = await buildDecoder({ modelDir: 'fixtures/tiny-llama', outDir: path.join(dir, 'fp16-built'), precision: 'fp16', provider: 'CUDAExecutionProvider' });
    const report = await optimizeOnnxModel(built16.modelPath, path.join(dir, 'fp16-built-int4'), { precision: 'int4', provider: 'CUDAExecutionProvider', ortLevel: 'none', threads: 2 });
    expect(report.fp16).toBeUndefined();
    expect(report.quantize!.quantized.count).toBe(29);
    expect(cosine(await logits(builtModel), await logits(report.modelPath))).toBeGreaterThan(0.95);
  });
});
