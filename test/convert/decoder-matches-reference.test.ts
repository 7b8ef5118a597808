import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDir, TINY_ARCHITECTURES, TINY_CONFIGS } from '../../scripts/make-fixtures.ts';
import { buildAndOpen, prompt, removeDir, type BuiltPair } from './build-fixture.ts';
import { emptyKv, maxAbsDifference, runDecoder } from './ort-decoder.ts';

/** fp32 ONNX Runtime against the float64 reference: float32 rounding over 4 layers stays far below this. */
const FP32_TOLERANCE = 1e-4;
const SHORT_PROMPT = 7;

describe.each(TINY_ARCHITECTURES)('tiny-%s fp32 build', (arch) => {
  let built: BuiltPair;
  const vocab = TINY_CONFIGS[arch].vocab_size as number;

  beforeAll(async () => {
    built = await buildAndOpen(fixtureDir(arch));
  });
  afterAll(() => removeDir(built?.outDir));

  it('matches the reference on a short prompt', async () => {
    const tokens = prompt(SHORT_PROMPT, vocab);
    const { logits } = await runDecoder(built.decoder, tokens, emptyKv(built.decoder));
    const expected = built.reference.forward(tokens, built.reference.emptyCache());
    expect(maxAbsDifference(logits, expected)).toBeLessThanOrEqual(FP32_TOLERANCE);
  });

  it('decodes one token through the KV cache exactly as a prefill of all tokens', async () => {
    const tokens = prompt(SHORT_PROMPT + 1, vocab, 11);
    const prefill = await runDecoder(built.decoder, tokens.slice(0, -1), emptyKv(built.decoder));
    const step = await runDecoder(built.decoder, tokens.slice(-1), prefill.kv);
    const full = await runDecoder(built.decoder, tokens, emptyKv(built.decoder));
    expect(step.kv.tensors['past_key_values.0.key'].dims).toEqual(full.kv.tensors['past_key_values.0.key'].dims);
    expect(maxAbsDifference(step.logits, full.logits.slice(-1))).toBeLessThanOrEqual(FP32_TOLERANCE);
    const cache = built.reference.emptyCache();
    built.reference.forward(tokens.slice(0, -1), cache);
    expect(maxAbsDifference(step.logits, built.reference.forward(tokens.slice(-1), cache))).toBeLessThanOrEqual(FP32_TOLERANCE);
  });
});

describe('long prompts', () => {
  let phi3: BuiltPair;
  let mistral: BuiltPair;
  beforeAll(async () => {
    phi3 = await buildAndOpen(fixtureDir('phi3'));
    mistral = await buildAndOpen(fixtureDir('mistral'));
  });
  afterAll(async () => {
    await removeDir(phi3?.outDir);
    await removeDir(mistral?.outDir);
  });

  it('phi3 switches to the long rope factors past original_max_position_embeddings', async () => {
    const original = TINY_CONFIGS.phi3.original_max_position_embeddings as number;
    const tokens = prompt(original + 8, TINY_CONFIGS.phi3.vocab_size as number);
    const { logits } = await runDecoder(phi3.decoder, tokens, emptyKv(phi3.decoder));
    const expected = phi3.reference.forward(tokens, phi3.reference.emptyCache());
    expect(maxAbsDifference(logits, expected)).toBeLessThanOrEqual(FP32_TOLERANCE);
    // The first positions differ from a short prompt's: the whole sequence was rotated with the long factors.
    const short = await runDecoder(phi3.decoder, tokens.slice(0, 4), emptyKv(phi3.decoder));
    expect(maxAbsDifference(short.logits.slice(1), logits.slice(1, 4))).toBeGreaterThan(1e-3);
  });

  it('phi3 decodes across the switch through the KV cache as transformers does', async () => {
    // The prefill fits the original context (short factors); the decoded token makes it one longer (long factors).
    const original = TINY_CONFIGS.phi3.original_max_position_embeddings as number;
    const tokens = prompt(original + 1, TINY_CONFIGS.phi3.vocab_size as number, 3);
    const prefill = await runDecoder(phi3.decoder, tokens.slice(0, -1), emptyKv(phi3.decoder));
    const step = await runDecoder(phi3.decoder, tokens.slice(-1), prefill.kv);
    const cache = phi3.reference.emptyCache();
    phi3.reference.forward(tokens.slice(0, -1), cache);
    expect(maxAbsDifference(step.logits, phi3.reference.forward(tokens.slice(-1), cache))).toBeLessThanOrEqual(FP32_TOLERANCE);
  });

  it('mistral masks keys outside its sliding window', async () => {
    const window = TINY_CONFIGS.mistral.sliding_window as number;
    const tokens = prompt(2 * window + 3, TINY_CONFIGS.mistral.vocab_size as number);
    const { logits } = await runDecoder(mistral.decoder, tokens, emptyKv(mistral.decoder));
    expect(maxAbsDifference(logits, mistral.reference.forward(tokens, mistral.reference.emptyCache()))).toBeLessThanOrEqual(FP32_TOLERANCE);
  });
});
