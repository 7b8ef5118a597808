import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildDecoder, buildDecoderGraph, MODULE_KEY, type BuildProgress, type BuildResult } from '../../src/convert/index.ts';
import { DataType } from '../../src/onnx/data-types.ts';
import { readModel } from '../../src/onnx/read-model.ts';
import { int64ToNumber } from '../../src/onnx/proto.ts';
import { getTensorSource, readSource } from '../../src/onnx/tensor-source.ts';
import type { ModelProto, NodeProto } from '../../src/onnx/types.ts';
import { fixtureDir, TINY_CONFIGS } from '../../scripts/make-fixtures.ts';
import { removeDir, tempDir } from './build-fixture.ts';

/** Nodes shared by every layer carry no module: sequence lengths from the mask and the rotary cache choice. */
const SHARED_PREFIXES = ['/model/attn_mask_reformat/', '/model/rotemb_caches_subgraph/'];

function moduleOf(node: NodeProto): string | undefined {
  return node.metadata_props?.find((p) => p.key === MODULE_KEY)?.value;
}

describe('a built llama follows ORT GenAI conventions', () => {
  let outDir: string;
  let result: BuildResult;
  let model: ModelProto;
  const progress: BuildProgress[] = [];

  beforeAll(async () => {
    outDir = await tempDir('conventions');
    result = await buildDecoder({ modelDir: fixtureDir('llama'), outDir, precision: 'fp32', provider: 'CPUExecutionProvider', onProgress: (p) => progress.push(p) });
    model = (await readModel(result.modelPath)).model;
  });
  afterAll(() => removeDir(outDir));

  it('has IR 10, opset 21 and com.microsoft 1, and the GenAI input and output names', () => {
    expect(int64ToNumber(model.ir_version)).toBe(10);
    expect(model.opset_import?.map((o) => [o.domain, int64ToNumber(o.version)])).toEqual([['', 21], ['com.microsoft', 1]]);
    const layers = TINY_CONFIGS.llama.num_hidden_layers as number;
    const kv = (prefix: string) => Array.from({ length: layers }, (_, i) => [`${prefix}.${i}.key`, `${prefix}.${i}.value`]).flat();
    expect(model.graph?.input?.map((i) => i.name)).toEqual(['input_ids', 'attention_mask', ...kv('past_key_values')]);
    expect(model.graph?.output?.map((o) => o.name)).toEqual(['logits', ...kv('present')]);
    expect(result.inputs[2]).toEqual({ name: 'past_key_values.0.key', dataType: DataType.FLOAT, dims: ['batch_size', 2, 'past_sequence_length', 16] });
    expect(result.outputs[0]).toEqual({ name: 'logits', dataType: DataType.FLOAT, dims: ['batch_size', 'sequence_length', 192] });
  });

  it('records a Hugging Face module on every node outside the shared subgraphs', () => {
    const nodes = model.graph?.node ?? [];
    const unassigned = nodes.filter((n) => moduleOf(n) === undefined).map((n) => n.name!);
    expect(unassigned.every((name) => SHARED_PREFIXES.some((p) => name.startsWith(p)))).toBe(true);
    const byName = new Map(nodes.map((n) => [n.name, moduleOf(n)]));
    expect(byName.get('/model/layers.3/self_attn/q_proj/MatMul')).toBe('model.layers.3.self_attn.q_proj');
    expect(byName.get('/model/layers.3/self_attn/GroupQueryAttention')).toBe('model.layers.3.self_attn');
    expect(byName.get('/model/layers.3/input_layernorm/SkipLayerNorm')).toBe('model.layers.3.input_layernorm');
    expect(byName.get('/model/layers.0/input_layernorm/SimplifiedLayerNorm')).toBe('model.layers.0.input_layernorm');
    expect(byName.get('/model/layers.2/mlp/act_fn/Sigmoid')).toBe('model.layers.2.mlp.act_fn');
    expect(byName.get('/model/embed_tokens/Gather')).toBe('model.embed_tokens');
    expect(byName.get('/model/norm/SkipLayerNorm')).toBe('model.norm');
    expect(byName.get('/lm_head/Gemm')).toBe('lm_head');
  });

  it('stores tied embeddings once and MatMul weights transposed under the HF name + .T', () => {
    const initializers = new Map((model.graph?.initializer ?? []).map((t) => [t.name!, t.dims!.map((d) => int64ToNumber(d))]));
    expect(initializers.get('model.embed_tokens.weight')).toEqual([192, 64]);
    expect(initializers.has('lm_head.weight')).toBe(false);
    expect(initializers.get('model.layers.0.mlp.gate_proj.weight.T')).toEqual([64, 128]);
    expect(initializers.get('model.layers.0.input_layernorm.weight')).toEqual([64]);
    const gqa = model.graph!.node!.find((n) => n.op_type === 'GroupQueryAttention')!;
    expect(gqa.input?.slice(5)).toEqual(['/model/attn_mask_reformat/attn_mask_subgraph/Sub/Cast/output_0', '/model/attn_mask_reformat/attn_mask_subgraph/Gather/Cast/output_0', 'cos_cache', 'sin_cache']);
  });

  it('streams every weight to the data file, reporting progress', () => {
    expect(progress.length).toBeGreaterThan(30);
    const last = progress.at(-1)!;
    expect(last.bytes).toBe(result.weightBytes);
    expect(last.totalBytes).toBe(last.bytes);
    expect(progress.map((p) => p.tensors)).toEqual(progress.map((_, i) => i + 1));
    expect(path.basename(result.dataPath!)).toBe('model.onnx.data');
  });

  it('writes genai_config.json for the provider and copies the tokenizer', async () => {
    const genai = JSON.parse(await readFile(result.genaiConfigPath, 'utf8'));
    expect(genai.model.decoder).toMatchObject({ filename: 'model.onnx', head_size: 16, hidden_size: 64, num_attention_heads: 4, num_key_value_heads: 2, num_hidden_layers: 4 });
    expect(genai.model.decoder.session_options.provider_options).toEqual([]);
    expect(genai.model.decoder.inputs).toEqual({ input_ids: 'input_ids', attention_mask: 'attention_mask', past_key_names: 'past_key_values.%d.key', past_value_names: 'past_key_values.%d.value' });
    expect(genai.model).toMatchObject({ bos_token_id: 1, eos_token_id: 2, pad_token_id: 2, context_length: 128, vocab_size: 192, type: 'llama' });
    expect(genai.search.past_present_share_buffer).toBe(false);
    expect(result.tokenizerFiles.map((f) => path.basename(f))).toEqual(['tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja']);
  });
});

describe('CUDA targets', () => {
  it.each([
    ['fp16', 'GroupQueryAttention', true],
    ['fp32', 'RotaryEmbedding', false],
  ] as const)('%s uses %s (CUDA GroupQueryAttention is fp16-only) and sets the shared KV buffer to %s', async (precision, op, shared) => {
    const outDir = await tempDir('cuda');
    try {
      const result = await buildDecoder({ modelDir: fixtureDir('mistral'), outDir, precision, provider: 'CUDAExecutionProvider' });
      const ops = new Set((await readModel(result.modelPath)).model.graph!.node!.map((n) => n.op_type));
      expect(ops.has(op)).toBe(true);
      expect(ops.has('GroupQueryAttention')).toBe(precision === 'fp16');
      const genai = JSON.parse(await readFile(result.genaiConfigPath, 'utf8'));
      expect(genai.model.decoder.session_options.provider_options).toEqual([{ cuda: {} }]);
      expect(genai.search.past_present_share_buffer).toBe(shared);
    } finally {
      await removeDir(outDir);
    }
  });
});

describe('phi3 graph details', () => {
  it('feeds packed qkv to attention, splits gate_up, and picks rotary caches by total length', async () => {
    const { model } = await buildDecoderGraph({ modelDir: fixtureDir('phi3'), precision: 'fp16', provider: 'CPUExecutionProvider', contextLength: 64 });
    const nodes = model.graph!.node!;
    const gqa = nodes.find((n) => n.name === '/model/layers.1/self_attn/GroupQueryAttention')!;
    expect(gqa.input?.slice(0, 3)).toEqual(['/model/layers.1/self_attn/qkv_proj/MatMul/output_0', '', '']);
    expect(nodes.find((n) => n.name === '/model/layers.1/mlp/Split')).toBeDefined();
    expect(nodes.find((n) => n.op_type === 'If')?.output).toEqual(['cos_cache', 'sin_cache']);
    const caches = new Map(model.graph!.initializer!.filter((t) => t.name!.startsWith('cos_cache')).map((t) => [t.name, t.dims!.map((d) => int64ToNumber(d))]));
    expect(caches).toEqual(new Map([['cos_cache_small', [32, 8]], ['cos_cache_large', [64, 8]]]));
    expect(model.graph!.initializer!.every((t) => t.data_type !== DataType.FLOAT)).toBe(true);
  });
});

describe('the Linear emitter hook (where quantization plugs in)', () => {
  it('routes every Linear layer through the given emitter and lists them with their HF weights', async () => {
    const seen: string[] = [];
    const graph = await buildDecoderGraph({
      modelDir: fixtureDir('qwen2'),
      precision: 'fp32',
      provider: 'CPUExecutionProvider',
      emitLinear: (context, linear) => {
        seen.push(linear.module);
        return context.graph.add1({ op: 'Identity', name: `${linear.name}/Stand-in`, inputs: [linear.input], module: linear.module });
      },
    });
    const perLayer = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];
    expect(seen).toHaveLength(4 * perLayer.length + 1);
    expect(seen.slice(0, 3)).toEqual(['model.layers.0.self_attn.q_proj', 'model.layers.0.self_attn.k_proj', 'model.layers.0.self_attn.v_proj']);
    expect(graph.linears.at(-1)).toMatchObject({ module: 'lm_head', tied: true, output: 'logits' });
    expect(graph.linears[0].weight).toMatchObject({ name: 'model.layers.0.self_attn.q_proj.weight', shape: [64, 64], dtype: 'BF16' });
    expect(graph.linears[0].bias?.name).toBe('model.layers.0.self_attn.q_proj.bias');
    expect(graph.model.graph!.node!.some((n) => n.op_type === 'MatMul')).toBe(false);
  });
});

describe('transformers 5 configs', () => {
  it.each(['llama', 'qwen2'] as const)('%s: rope settings read from rope_parameters exactly as from rope_scaling and rope_theta', async (arch) => {
    const root = await tempDir('rope-parameters');
    try {
      const { rope_scaling: scaling, rope_theta: theta, ...rest } = JSON.parse(await readFile(path.join(fixtureDir(arch), 'config.json'), 'utf8'));
      await cp(fixtureDir(arch), root, { recursive: true });
      await writeFile(path.join(root, 'config.json'), JSON.stringify({ ...rest, rope_parameters: { ...scaling, rope_theta: theta } }));
      const cosCache = async (dir: string) => {
        const { model } = await buildDecoderGraph({ modelDir: dir, precision: 'fp32', provider: 'CPUExecutionProvider' });
        return readSource(getTensorSource(model.graph!.initializer!.find((t) => t.name === 'cos_cache')!)!);
      };
      expect(Buffer.from(await cosCache(root)).equals(Buffer.from(await cosCache(fixtureDir(arch))))).toBe(true);
    } finally {
      await removeDir(root);
    }
  });
});
