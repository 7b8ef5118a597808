import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { TINY_ARCHITECTURES, TINY_CONFIGS, writeTinyCheckpoint } from '../../scripts/make-fixtures.ts';
import { buildAndOpen, prefillAndDecodeErrors, prompt, removeDir, tempDir, useBuiltFixture } from './build-fixture.ts';
import { emptyKv, maxAbsDifference, runDecoder } from './ort-decoder.ts';

/** fp32 ONNX Runtime against the float64 reference: float32 rounding over 4 layers stays far below this. */
const FP32_TOLERANCE = 1e-4;
const SHORT_PROMPT = 7;

describe.each(TINY_ARCHITECTURES)('tiny-%s fp32 build', (arch) => {
  const fixture = useBuiltFixture(arch);
  const vocab = TINY_CONFIGS[arch].vocab_size as number;

  it('matches the reference on a short prompt', async () => {
    const built = fixture();
    const tokens = prompt(SHORT_PROMPT, vocab);
    const { logits } = await runDecoder(built.decoder, tokens, emptyKv(built.decoder));
    const expected = built.reference.forward(tokens, built.reference.emptyCache());
    expect(maxAbsDifference(logits, expected)).toBeLessThanOrEqual(FP32_TOLERANCE);
  });

  it('decodes one token through the KV cache exactly as a prefill of all tokens', async () => {
    const built = fixture();
    const tokens = prompt(SHORT_PROMPT + 1, vocab, 11);
    const prefill = await runDecoder(built.decoder, tokens.slice(0, -1), emptyKv(built.decoder));
    const step = await runDecoder(built.decoder, tokens.slice(-1), prefill.kv);
    const full = await runDecoder(built.decoder, tokens, emptyKv(built.decoder));
    expect(step.kv.tensors['past_key_values.0.key'].dims).toEqual(full.kv.tensors['past_key_values.0.key'].dims);
    expect(maxAbsDifference(step.logits, full.logits.slice(-1))).toBeLessThanOrEqual(FP32_TOLERANCE);
    const errors = await prefillAndDecodeErrors(built, tokens);
    expect(Math.max(errors.prefill, errors.decode)).toBeLessThanOrEqual(FP32_TOLERANCE);
  });
});

/** Families with longrope switch factors past the original context (Phi-3.5, Phi-4-mini's partial rotary). */
describe.each(['phi3', 'phi4'] as const)('tiny-%s past original_max_position_embeddings', (arch) => {
  const fixture = useBuiltFixture(arch);
  const original = TINY_CONFIGS[arch].original_max_position_embeddings as number;
  const vocab = TINY_CONFIGS[arch].vocab_size as number;

  it('switches to the long rope factors for the whole sequence', async () => {
    const built = fixture();
    const tokens = prompt(original + 8, vocab);
    const { logits } = await runDecoder(built.decoder, tokens, emptyKv(built.decoder));
    expect(maxAbsDifference(logits, built.reference.forward(tokens, built.reference.emptyCache()))).toBeLessThanOrEqual(FP32_TOLERANCE);
    // The first positions differ from a short prompt's: the whole sequence was rotated with the long factors.
    const short = await runDecoder(built.decoder, tokens.slice(0, 4), emptyKv(built.decoder));
    expect(maxAbsDifference(short.logits.slice(1), logits.slice(1, 4))).toBeGreaterThan(1e-3);
  });

  it('decodes across the switch through the KV cache as transformers does', async () => {
    const built = fixture();
    // The prefill fits the original context (short factors); the decoded token makes it one longer (long factors).
    expect((await prefillAndDecodeErrors(built, prompt(original + 1, vocab, 3))).decode).toBeLessThanOrEqual(FP32_TOLERANCE);
  });
});

/** Mistral windows every layer; Gemma 3 only its sliding layers, which also rotate with their own base. */
describe.each(['mistral', 'gemma3'] as const)('tiny-%s past its sliding window', (arch) => {
  const fixture = useBuiltFixture(arch);
  const window = TINY_CONFIGS[arch].sliding_window as number;
  const vocab = TINY_CONFIGS[arch].vocab_size as number;

  it('masks keys outside the window, prefill and decode', async () => {
    const built = fixture();
    const errors = await prefillAndDecodeErrors(built, prompt(2 * window + 3, vocab));
    expect(errors.prefill).toBeLessThanOrEqual(FP32_TOLERANCE);
    expect(errors.decode).toBeLessThanOrEqual(FP32_TOLERANCE);
  });
});

/** Variants the registry accepts beyond the committed fixtures, written on the fly. */
describe('config variants convert as transformers computes them', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir('variants');
  });
  afterAll(() => removeDir(root));

  it.each([
    ['llama with attention_bias (q, k, v, o) and mlp_bias', 'llama', { attention_bias: true, mlp_bias: true }],
    ['qwen3 with attention_bias', 'qwen3', { attention_bias: true }],
    ['granite with mlp_bias', 'granite', { mlp_bias: true, attention_bias: true }],
    ['smollm3 with no_rope_layers left to no_rope_layer_interval', 'smollm3', { no_rope_layers: undefined, no_rope_layer_interval: 2 }],
    ['gemma3 with explicit layer_types and no soft cap', 'gemma3', { layer_types: ['full_attention', 'sliding_attention', 'sliding_attention', 'full_attention'], final_logit_softcapping: null }],
    ['phi4 with plain rope', 'phi4', { rope_scaling: null, partial_rotary_factor: 0.5 }],
    ["gemma3 with gemma-3-1b's head shape (head_dim 256 over one KV head, query_pre_attn_scalar 256)", 'gemma3', { head_dim: 256, num_key_value_heads: 1, query_pre_attn_scalar: 256 }],
    ["phi4 with Phi-4-mini's head shape (rotary on 96 of 128 channels)", 'phi4', { num_attention_heads: 1, rope_scaling: { type: 'longrope', short_factor: new Array(48).fill(1.1), long_factor: new Array(48).fill(3) } }],
  ] as const)('%s', async (label, arch, overrides) => {
    const dir = path.join(root, label.replace(/\W+/g, '-'));
    await writeTinyCheckpoint(dir, arch, { configOverrides: overrides });
    const built = await buildAndOpen(dir);
    try {
      const errors = await prefillAndDecodeErrors(built, prompt(SHORT_PROMPT + 8, TINY_CONFIGS[arch].vocab_size as number));
      expect(errors.prefill).toBeLessThanOrEqual(FP32_TOLERANCE);
      expect(errors.decode).toBeLessThanOrEqual(FP32_TOLERANCE);
    } finally {
      await removeDir(built.outDir);
    }
  });
});
