/**
 * A small decoder-shaped ONNX model in the torch-export naming (`/model/layers.1/mlp/up_proj/MatMul`), with no
 * module metadata and no value_info, as another exporter would write it: embedding Gather, a mask computation
 * every layer reads, per layer a KV cache (past_key_values.i → Concat → present.i) whose contents feed the
 * hidden state, q/o projections, an MLP, a rotary-like cache every layer reads, a Constant reshape target every
 * layer reads, final norm and an lm_head tied to the embedding (so the embedding is shared by two splits).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DataType } from '../../../src/onnx/data-types.ts';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../../src/onnx/types.ts';
import { writeModel } from '../../../src/onnx/write-model.ts';

export interface DecoderShape {
  layers: number;
  hidden: number;
  vocabulary: number;
  kvHeads: number;
  headSize: number;
}

export const SMALL_DECODER: DecoderShape = { layers: 3, hidden: 16, vocabulary: 32, kvHeads: 2, headSize: 4 };

export async function writeTorchExportDecoder(dir: string, shape: DecoderShape = SMALL_DECODER): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'model.onnx');
  await writeModel(file, torchExportDecoder(shape));
  return file;
}

export function torchExportDecoder(shape: DecoderShape): ModelProto {
  const { hidden, vocabulary, kvHeads, headSize } = shape;
  const kvWidth = kvHeads * headSize;
  const initializer: TensorProto[] = [
    weight('model.embed_tokens.weight', [vocabulary, hidden], 1),
    weight('model.rotary_cache', [hidden], 2),
    weight('model.norm.weight', [hidden], 3),
  ];
  const node: NodeProto[] = [
    op('/model/embed_tokens/Gather', 'Gather', ['model.embed_tokens.weight', 'input_ids'], ['/model/embed_tokens/Gather_output_0']),
    op('/model/Constant', 'Constant', [], ['/model/Constant_output_0'], [tensorAttribute('value', int64Tensor([0, 0, kvHeads, headSize]))]),
    op('/model/Cast', 'Cast', ['attention_mask'], ['/model/Cast_output_0'], [{ name: 'to', type: 2, i: DataType.FLOAT }]),
    op('/model/ReduceMax', 'ReduceMax', ['/model/Cast_output_0', 'mask_axes'], ['/model/ReduceMax_output_0']),
    op('/model/Unsqueeze', 'Unsqueeze', ['/model/ReduceMax_output_0', 'unsqueeze_axes'], ['/model/mask_scale']),
  ];
  initializer.push(int64Tensor([2], 'unsqueeze_axes'), int64Tensor([1], 'mask_axes'));
  let hiddenState = '/model/embed_tokens/Gather_output_0';
  for (let layer = 0; layer < shape.layers; layer += 1) {
    const { nodes, weights, output } = decoderLayer(layer, hiddenState, shape, kvWidth);
    node.push(...nodes);
    initializer.push(...weights);
    hiddenState = output;
  }
  node.push(
    op('/model/norm/Mul', 'Mul', [hiddenState, 'model.norm.weight'], ['/model/norm/Mul_output_0']),
    op('/lm_head/Transpose', 'Transpose', ['model.embed_tokens.weight'], ['/lm_head/Transpose_output_0'], [{ name: 'perm', type: 7, ints: [1, 0] }]),
    op('/lm_head/MatMul', 'MatMul', ['/model/norm/Mul_output_0', '/lm_head/Transpose_output_0'], ['logits']),
  );
  const kv = (prefix: string, seq: string): ValueInfoProto[] =>
    Array.from({ length: shape.layers }, (_, i) => ['key', 'value'].map((part) => tensorInfo(`${prefix}.${i}.${part}`, DataType.FLOAT, ['batch_size', kvHeads, seq, headSize]))).flat();
  return {
    ir_version: 10,
    producer_name: 'test-exporter',
    opset_import: [{ domain: '', version: 21 }],
    graph: {
      name: 'main_graph',
      node,
      initializer,
      input: [
        tensorInfo('input_ids', DataType.INT64, ['batch_size', 'sequence_length']),
        tensorInfo('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length']),
        ...kv('past_key_values', 'past_sequence_length'),
      ],
      output: [tensorInfo('logits', DataType.FLOAT, ['batch_size', 'sequence_length', vocabulary]), ...kv('present', 'total_sequence_length')],
    },
  };
}

function decoderLayer(layer: number, input: string, shape: DecoderShape, kvWidth: number): { nodes: NodeProto[]; weights: TensorProto[]; output: string } {
  const at = `/model/layers.${layer}`;
  const w = `model.layers.${layer}`;
  const seed = 10 * (layer + 1);
  const weights = [
    weight(`${w}.self_attn.q_proj.weight`, [shape.hidden, shape.hidden], seed + 1),
    weight(`${w}.self_attn.k_proj.weight`, [shape.hidden, kvWidth], seed + 2),
    weight(`${w}.self_attn.v_proj.weight`, [shape.hidden, kvWidth], seed + 3),
    weight(`${w}.self_attn.o_proj.weight`, [kvWidth, shape.hidden], seed + 4),
    weight(`${w}.mlp.up_proj.weight`, [shape.hidden, 2 * shape.hidden], seed + 5),
    weight(`${w}.mlp.down_proj.weight`, [2 * shape.hidden, shape.hidden], seed + 6),
  ];
  const cache = (part: 'key' | 'value', proj: string): NodeProto[] => [
    op(`${at}/self_attn/${proj}/MatMul`, 'MatMul', [input, `${w}.self_attn.${proj}.weight`], [`${at}/self_attn/${proj}/MatMul_output_0`]),
    op(`${at}/self_attn/Reshape_${part}`, 'Reshape', [`${at}/self_attn/${proj}/MatMul_output_0`, '/model/Constant_output_0'], [`${at}/self_attn/Reshape_${part}_output_0`]),
    op(`${at}/self_attn/Transpose_${part}`, 'Transpose', [`${at}/self_attn/Reshape_${part}_output_0`], [`${at}/self_attn/Transpose_${part}_output_0`], [{ name: 'perm', type: 7, ints: [0, 2, 1, 3] }]),
    op(`${at}/self_attn/Concat_${part}`, 'Concat', [`past_key_values.${layer}.${part}`, `${at}/self_attn/Transpose_${part}_output_0`], [`present.${layer}.${part}`], [{ name: 'axis', type: 2, i: 2 }]),
  ];
  const nodes: NodeProto[] = [
    ...cache('key', 'k_proj'),
    ...cache('value', 'v_proj'),
    op(`${at}/self_attn/Mul_kv`, 'Mul', [`present.${layer}.key`, `present.${layer}.value`], [`${at}/self_attn/Mul_kv_output_0`]),
    op(`${at}/self_attn/ReduceMean`, 'ReduceMean', [`${at}/self_attn/Mul_kv_output_0`, 'reduce_axes'], [`${at}/self_attn/ReduceMean_output_0`]),
    op(`${at}/self_attn/Reshape_summary`, 'Reshape', [`${at}/self_attn/ReduceMean_output_0`, 'summary_shape'], [`${at}/self_attn/Reshape_summary_output_0`]),
    op(`${at}/self_attn/o_proj/MatMul`, 'MatMul', [`${at}/self_attn/Reshape_summary_output_0`, `${w}.self_attn.o_proj.weight`], [`${at}/self_attn/o_proj/MatMul_output_0`]),
    op(`${at}/self_attn/q_proj/MatMul`, 'MatMul', [input, `${w}.self_attn.q_proj.weight`], [`${at}/self_attn/q_proj/MatMul_output_0`]),
    op(`${at}/self_attn/rotary_emb/Add`, 'Add', [`${at}/self_attn/q_proj/MatMul_output_0`, 'model.rotary_cache'], [`${at}/self_attn/rotary_emb/Add_output_0`]),
    op(`${at}/self_attn/Add`, 'Add', [`${at}/self_attn/rotary_emb/Add_output_0`, `${at}/self_attn/o_proj/MatMul_output_0`], [`${at}/self_attn/Add_output_0`]),
    op(`${at}/self_attn/Mul_mask`, 'Mul', [`${at}/self_attn/Add_output_0`, '/model/mask_scale'], [`${at}/self_attn/Mul_mask_output_0`]),
    op(`${at}/Add`, 'Add', [input, `${at}/self_attn/Mul_mask_output_0`], [`${at}/Add_output_0`]),
    op(`${at}/mlp/up_proj/MatMul`, 'MatMul', [`${at}/Add_output_0`, `${w}.mlp.up_proj.weight`], [`${at}/mlp/up_proj/MatMul_output_0`]),
    op(`${at}/mlp/act_fn/Sigmoid`, 'Sigmoid', [`${at}/mlp/up_proj/MatMul_output_0`], [`${at}/mlp/act_fn/Sigmoid_output_0`]),
    op(`${at}/mlp/down_proj/MatMul`, 'MatMul', [`${at}/mlp/act_fn/Sigmoid_output_0`, `${w}.mlp.down_proj.weight`], [`${at}/mlp/down_proj/MatMul_output_0`]),
    op(`${at}/Add_1`, 'Add', [`${at}/Add_output_0`, `${at}/mlp/down_proj/MatMul_output_0`], [`${at}/Add_1_output_0`]),
  ];
  if (layer === 0) weights.push(int64Tensor([2], 'reduce_axes'), int64Tensor([0, 1, -1], 'summary_shape'));
  return { nodes, weights, output: `${at}/Add_1_output_0` };
}

function op(name: string, opType: string, input: string[], output: string[], attribute: NodeProto['attribute'] = []): NodeProto {
  return { name, op_type: opType, input, output, attribute };
}

function tensorAttribute(name: string, t: TensorProto): NonNullable<NodeProto['attribute']>[number] {
  return { name, type: 4, t };
}

/** Deterministic small weights: a fixed sine pattern per seed, scaled so activations stay near 1. */
function weight(name: string, dims: number[], seed: number): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: count }, (_, i) => 0.3 * Math.sin(seed * 1.7 + i * 0.37));
  return { name, dims, data_type: DataType.FLOAT, raw_data: new Uint8Array(values.buffer) };
}

function int64Tensor(values: number[], name?: string): TensorProto {
  const data = BigInt64Array.from(values, BigInt);
  return { ...(name ? { name } : {}), dims: [values.length], data_type: DataType.INT64, raw_data: new Uint8Array(data.buffer) };
}

function tensorInfo(name: string, elemType: number, dims: (number | string)[]): ValueInfoProto {
  return {
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  };
}
