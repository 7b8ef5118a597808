import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { fixtureDir, TINY_ARCHITECTURES, TINY_CONFIGS, writeTinyCheckpoint } from '../../scripts/make-fixtures.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { buildAndOpen, maxAbs, prefillAndDecodeErrors, prompt, removeDir, tempDir } from './build-fixture.ts';
import { emptyKv, maxAbsDifference, runDecoder } from './ort-decoder.ts';

const FP32_TOLERANCE = 1e-4;
/**
 * fp16 weights and activations carry 11 significant bits (relative step 2^-11 ≈ 4.9e-4); rounding compounds over
 * the 4 layers and lm_head, observed at most about 9e-4 of the largest logit. Allowed: 4e-3 of it.
 */
const FP16_RELATIVE_TOLERANCE = 4e-3;

describe('checkpoints stored as F32 and F16 convert exactly', () => {
  let checkpoints: string | undefined;
  beforeAll(async () => {
    checkpoints = await tempDir('storage');
  });
  afterAll(() => removeDir(checkpoints));

  it.each([
    ['llama', 'F32'],
    ['phi3', 'F16'],
    ['qwen2', 'F16'],
  ] as const)('%s stored as %s matches the reference at fp32', async (arch, storage) => {
    const dir = path.join(checkpoints!, `${arch}-${storage}`);
    await writeTinyCheckpoint(dir, arch, { storage });
    const built = await buildAndOpen(dir);
    try {
      const tokens = prompt(6, TINY_CONFIGS[arch].vocab_size as number);
      const { logits } = await runDecoder(built.decoder, tokens, emptyKv(built.decoder));
      expect(maxAbsDifference(logits, built.reference.forward(tokens, built.reference.emptyCache()))).toBeLessThanOrEqual(FP32_TOLERANCE);
    } finally {
      await removeDir(built.outDir);
    }
  });
});

describe.each(TINY_ARCHITECTURES)('tiny-%s fp16 build', (arch) => {
  it('stays within the fp16 tolerance of the reference, through the KV cache too', async () => {
    const built = await buildAndOpen(fixtureDir(arch), 'fp16');
    try {
      const tokens = prompt(9, TINY_CONFIGS[arch].vocab_size as number);
      const expected = built.reference.forward(tokens, built.reference.emptyCache());
      const tolerance = FP16_RELATIVE_TOLERANCE * maxAbs(expected);
      const prefill = await runDecoder(built.decoder, tokens.slice(0, -1), emptyKv(built.decoder));
      const step = await runDecoder(built.decoder, tokens.slice(-1), prefill.kv);
      expect(prefill.logits[0].length).toBe(TINY_CONFIGS[arch].vocab_size);
      expect(maxAbsDifference(prefill.logits, expected.slice(0, -1))).toBeLessThanOrEqual(tolerance);
      expect(maxAbsDifference(step.logits, expected.slice(-1))).toBeLessThanOrEqual(tolerance);
    } finally {
      await removeDir(built.outDir);
    }
  });
});

describe('RMSNorm in standard ONNX operators (for providers without the fused ones)', () => {
  it.each(['fp32', 'fp16'] as const)('matches the reference at %s', async (precision) => {
    const built = await buildAndOpen(fixtureDir('qwen2'), precision, { normalization: 'plain' });
    try {
      const ops = new Set((await readModel(built.result.modelPath)).model.graph!.node!.map((n) => n.op_type));
      expect(ops.has('SkipSimplifiedLayerNormalization') || ops.has('SimplifiedLayerNormalization')).toBe(false);
      const tokens = prompt(6, TINY_CONFIGS.qwen2.vocab_size as number);
      const { logits } = await runDecoder(built.decoder, tokens, emptyKv(built.decoder));
      const expected = built.reference.forward(tokens, built.reference.emptyCache());
      const tolerance = precision === 'fp32' ? FP32_TOLERANCE : FP16_RELATIVE_TOLERANCE * maxAbs(expected);
      expect(maxAbsDifference(logits, expected)).toBeLessThanOrEqual(tolerance);
    } finally {
      await removeDir(built.outDir);
    }
  });
});

describe('attention in standard operators (the CUDA fp32 form), checked on CPU', () => {
  it.each(TINY_ARCHITECTURES)('%s matches the reference past its window / original context, through the KV cache', async (arch) => {
    const built = await buildAndOpen(fixtureDir(arch), 'fp32', { attention: 'plain' });
    try {
      const ops = new Set((await readModel(built.result.modelPath)).model.graph!.node!.map((n) => n.op_type));
      expect(ops.has('GroupQueryAttention')).toBe(false);
      const errors = await prefillAndDecodeErrors(built, prompt(40, TINY_CONFIGS[arch].vocab_size as number));
      expect(errors.prefill).toBeLessThanOrEqual(FP32_TOLERANCE);
      expect(errors.decode).toBeLessThanOrEqual(FP32_TOLERANCE);
    } finally {
      await removeDir(built.outDir);
    }
  });
});
