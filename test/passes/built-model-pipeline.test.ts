/** optimizeOnnxModel on a decoder the builder made (GroupQueryAttention, fused norms, tied lm_head as Gemm). */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDecoder } from '../../src/build/index.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { optimizeOnnxModel } from '../../src/passes/optimize-onnx-model.ts';

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
});
