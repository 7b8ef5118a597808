import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildDecoder } from '../../src/convert/index.ts';
import { OliveError } from '../../src/errors.ts';
import { writeTinyCheckpoint, type TinyArchitecture } from '../../scripts/make-fixtures.ts';
import { removeDir, tempDir } from './build-fixture.ts';

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await tempDir('refusals');
});
afterAll(() => removeDir(root));

async function checkpoint(arch: TinyArchitecture, configOverrides: Record<string, unknown> = {}): Promise<string> {
  const dir = path.join(root, `${arch}-${counter++}`);
  await writeTinyCheckpoint(dir, arch, { configOverrides });
  return dir;
}

/** A checkpoint whose config.json was edited after its tensors were written (so they disagree). */
async function configEdited(arch: TinyArchitecture, edits: Record<string, unknown>): Promise<string> {
  const dir = await checkpoint(arch);
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), ...edits }));
  return dir;
}

async function buildError(modelDir: string, overrides: Partial<Parameters<typeof buildDecoder>[0]> = {}): Promise<OliveError> {
  const outDir = path.join(root, `out-${counter++}`);
  const error = await buildDecoder({ modelDir, outDir, precision: 'fp32', provider: 'CPUExecutionProvider', ...overrides }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OliveError);
  return error as OliveError;
}

describe('the builder refuses what it would get wrong', () => {
  it('names the supported architectures and the ONNX alternative for another one', async () => {
    const error = await buildError(await configEdited('llama', { architectures: ['GemmaForCausalLM'], model_type: 'gemma' }));
    expect(error.message).toMatch(/'GemmaForCausalLM'.*LlamaForCausalLM \(llama\), MistralForCausalLM \(mistral\).*ONNX/);
  });

  it.each([
    ['partial_rotary_factor outside Phi-3', 'llama', { partial_rotary_factor: 0.75 }, /partial_rotary_factor = 0.75 is not supported \(not implemented for llama\)/],
    ['another rope type', 'llama', { rope_scaling: { rope_type: 'yarn', factor: 4 } }, /rope_scaling type 'yarn'/],
    ['another activation', 'llama', { hidden_act: 'gelu' }, /hidden_act = "gelu"/],
    ['attention bias where the modeling code has none', 'mistral', { attention_bias: true }, /attention_bias = true/],
    ['mlp bias', 'mistral', { mlp_bias: true }, /mlp_bias = true/],
    ['qwen2 per-layer sliding windows', 'qwen2', { use_sliding_window: true }, /use_sliding_window = true/],
    ['longrope factors of the wrong length', 'phi3', { rope_scaling: { type: 'longrope', short_factor: [1, 1], long_factor: [1, 1] } }, /short_factor must be 8 positive numbers/],
    // every math field a family does not implement, by name
    ['Gemma attention logit soft-capping', 'gemma3', { attn_logit_softcapping: 50 }, /attn_logit_softcapping = 50 is not supported \(not implemented for gemma3_text\)/],
    ['Gemma bidirectional attention', 'gemma3', { use_bidirectional_attention: true }, /use_bidirectional_attention = true is not supported/],
    ['another Gemma activation', 'gemma3', { hidden_activation: 'gelu' }, /hidden_activation = "gelu" is not supported \(only gelu_pytorch_tanh/],
    ['Gemma layer_types of the wrong length', 'gemma3', { layer_types: ['sliding_attention'] }, /layer_types = \["sliding_attention"\] is not supported \(must be 4 entries/],
    ['another rope type on Gemma', 'gemma3', { rope_scaling: { rope_type: 'yarn', factor: 8 } }, /rope_scaling type 'yarn'/],
    ['Qwen3 sliding windows', 'qwen3', { use_sliding_window: true }, /use_sliding_window = true is not supported \(not implemented for qwen3\)/],
    ['Qwen3 MLP bias (the modeling code has none)', 'qwen3', { mlp_bias: true }, /mlp_bias = true is not supported \(not implemented for qwen3\)/],
    ['query_pre_attn_scalar outside Gemma', 'qwen3', { query_pre_attn_scalar: 64 }, /query_pre_attn_scalar = 64 is not supported \(not implemented for qwen3\)/],
    ['SmolLM3 sliding windows', 'smollm3', { use_sliding_window: true, sliding_window: 8 }, /use_sliding_window = true is not supported \(not implemented for smollm3\)/],
    ['SmolLM3 no_rope_layers of the wrong length', 'smollm3', { no_rope_layers: [1, 0] }, /no_rope_layers = \[1,0\] is not supported \(must be 4 entries of 0 or 1\)/],
    ['a SmolLM3 no_rope_layer_interval that is not a positive integer', 'smollm3', { no_rope_layers: null, no_rope_layer_interval: 0 }, /no_rope_layer_interval = 0 is not supported \(must be a positive integer\)/],
    ['a Gemma sliding_window_pattern that is not a positive integer', 'gemma3', { sliding_window_pattern: 1.5 }, /sliding_window_pattern = 1.5 is not supported \(must be a positive integer\)/],
    ['no_rope_layers outside SmolLM3', 'llama', { no_rope_layers: [1, 1, 1, 0] }, /no_rope_layers = \[1,1,1,0\] is not supported \(not implemented for llama\)/],
    ['Granite multipliers outside Granite', 'llama', { logits_scaling: 8 }, /logits_scaling = 8 is not supported \(not implemented for llama\)/],
    ['a Granite multiplier that is not a positive number', 'granite', { residual_multiplier: 0 }, /residual_multiplier = 0 is not supported \(must be a positive number\)/],
    ['an lm_head bias', 'phi4', { lm_head_bias: true }, /lm_head_bias = true is not supported/],
    ['a partial rotary width GroupQueryAttention cannot take', 'phi4', { partial_rotary_factor: 0.375, rope_scaling: null }, /rotary dimension 24 .* is not a multiple of 16/],
  ] as const)('refuses %s', async (_label, arch, overrides, message) => {
    expect((await buildError(await checkpoint(arch, overrides))).message).toMatch(message);
  });

  it('refuses kv heads not dividing heads', async () => {
    expect((await buildError(await configEdited('llama', { num_key_value_heads: 3 }))).message).toMatch(/num_attention_heads \(4\) is not a multiple of num_key_value_heads \(3\)/);
  });

  it('refuses a checkpoint with tensors the graph would not use (qk-norm)', async () => {
    const dir = await checkpoint('llama');
    await addTensor(dir, 'model.layers.0.self_attn.q_norm.weight', [16]);
    expect((await buildError(dir)).message).toMatch(/does not use \(model\.layers\.0\.self_attn\.q_norm\.weight\)/);
  });

  it('names a missing tensor and a tensor of the wrong shape', async () => {
    expect((await buildError(await configEdited('qwen2', { tie_word_embeddings: false }))).message).toMatch(/no tensor 'lm_head\.weight'/);
    expect((await buildError(await configEdited('llama', { intermediate_size: 96 }))).message).toMatch(/'model\.layers\.0\.mlp\.gate_proj\.weight' has shape \[128,64\], config\.json implies \[96,64\]/);
  });

  it('refuses precisions and providers it cannot build, and head sizes the CPU kernel rejects', async () => {
    const llama = await checkpoint('llama');
    expect((await buildError(llama, { precision: 'int4' as 'fp32' })).message).toMatch(/precision 'int4' cannot be built directly/);
    expect((await buildError(llama, { provider: 'DmlExecutionProvider' as 'CPUExecutionProvider' })).message).toMatch(/provider 'DmlExecutionProvider'/);
    expect((await buildError(llama, { contextLength: 0 })).message).toMatch(/contextLength must be a positive integer/);
    const narrowHeads = await checkpoint('mistral', { head_dim: 24 });
    expect((await buildError(narrowHeads)).message).toMatch(/head_dim 24 is not a multiple of 16/);
  });
});

/** Rewrite a safetensors file with one more (zero-filled, F32) tensor appended. */
async function addTensor(dir: string, name: string, shape: number[]): Promise<void> {
  const file = path.join(dir, 'model.safetensors');
  const bytes = await readFile(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  const data = bytes.subarray(8 + headerLength);
  const extra = shape.reduce((a, b) => a * b, 1) * 4;
  header[name] = { dtype: 'F32', shape, data_offsets: [data.length, data.length + extra] };
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  await writeFile(file, Buffer.concat([prefix, json, data, Buffer.alloc(extra)]));
}
