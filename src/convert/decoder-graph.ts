/**
 * The whole decoder as one ONNX model (ORT GenAI's layout): inputs input_ids, attention_mask and the past KV
 * cache; outputs logits and the present cache. Nodes are named /model/layers.{i}/… and carry their HF module.
 * Weights are attached as sources, not loaded: writeModel streams them.
 */
import { readConfig, type HfConfig } from '../hf/config.ts';
import { openCheckpoint, type Checkpoint } from '../hf/checkpoint.ts';
import { OliveError } from '../errors.ts';
import { DataType } from '../onnx/data-types.ts';
import { int64ToNumber } from '../onnx/proto.ts';
import type { ModelProto, ValueInfoProto } from '../onnx/types.ts';
import { version } from '../version.ts';
import { addAttention, type LayerIo, type SharedAttentionInputs } from './attention.ts';
import { FORMAT_OF_PRECISION, tensorOf, type AttentionKind, type BuildContext } from './build-context.ts';
import { checkCheckpoint } from './check-checkpoint.ts';
import { checkTarget } from './check-target.ts';
import { decoderSpec, type DecoderSpec } from './decoder-spec.ts';
import { GraphBuilder, MICROSOFT_DOMAIN } from './graph-builder.ts';
import { emitMatMul, type LinearSpec } from './linear.ts';
import { addMlp } from './mlp.ts';
import { addRmsNorm, addSkipRmsNorm } from './rms-norm.ts';
import { addRotaryCaches } from './rotary-caches.ts';
import { addSeqlensK, addTotalSequenceLength } from './sequence-lengths.ts';
import { addPlainAttentionInputs } from './plain-attention-inputs.ts';
import { defaultAttention, PROVIDER_NORMALIZATION, type DecoderGraphOptions, type GraphValue } from './types.ts';
import { EMBEDDING, LM_HEAD, layerPrefix } from './weight-names.ts';
import { weightSource } from './weight-source.ts';

export const IR_VERSION = 10;
export const ONNX_OPSET = 21;
export const MICROSOFT_OPSET = 1;

export interface DecoderGraph {
  model: ModelProto;
  config: HfConfig;
  spec: DecoderSpec;
  checkpoint: Checkpoint;
  contextLength: number;
  attention: AttentionKind;
  /** Every Linear layer in graph order, with its checkpoint weight in HF's [out, in] order (for quantizers). */
  linears: LinearSpec[];
  inputs: GraphValue[];
  outputs: GraphValue[];
}

function layerIo(context: BuildContext, layer: number): LayerIo {
  const { graph, spec, floatType } = context;
  const past = ['batch_size', spec.numKvHeads, 'past_sequence_length', spec.headDim];
  const present = ['batch_size', spec.numKvHeads, 'total_sequence_length', spec.headDim];
  const io = {
    pastKey: graph.input(`past_key_values.${layer}.key`, floatType, past),
    pastValue: graph.input(`past_key_values.${layer}.value`, floatType, past),
    presentKey: `present.${layer}.key`,
    presentValue: `present.${layer}.value`,
  };
  graph.output(io.presentKey, floatType, present);
  graph.output(io.presentValue, floatType, present);
  return io;
}

function addEmbedding(context: BuildContext, inputIds: string): string {
  const tensor = tensorOf(context, EMBEDDING);
  const table = context.graph.initializer(EMBEDDING, context.floatType, tensor.shape, weightSource(tensor, context.format));
  return context.graph.add1({ op: 'Gather', name: '/model/embed_tokens/Gather', inputs: [table, inputIds], module: 'model.embed_tokens' });
}

function addLmHead(context: BuildContext, input: string): void {
  const { spec } = context;
  const weight = tensorOf(context, spec.tiedEmbeddings ? EMBEDDING : LM_HEAD);
  context.emitLinear(context, { name: '/lm_head', module: 'lm_head', input, weight, tied: spec.tiedEmbeddings, output: 'logits' });
}

function addSharedAttentionInputs(context: BuildContext, contextLength: number, inputIds: string, attentionMask: string): SharedAttentionInputs {
  const totalSequenceLength = addTotalSequenceLength(context.graph, attentionMask);
  const rotary = addRotaryCaches(context, contextLength, totalSequenceLength);
  if (context.attention === 'plain') return { kind: 'plain', plain: addPlainAttentionInputs(context, inputIds, attentionMask), rotary };
  return { kind: 'group-query', seqlensK: addSeqlensK(context.graph, attentionMask), totalSequenceLength, rotary };
}

/** Embedding, the layers with residuals chained through the skip norms, final norm and lm_head. */
function addDecoder(context: BuildContext, contextLength: number): void {
  const { graph, spec } = context;
  const inputIds = graph.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = graph.input('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length']);
  graph.output('logits', context.floatType, ['batch_size', 'sequence_length', spec.vocabSize]);
  const shared = addSharedAttentionInputs(context, contextLength, inputIds, attentionMask);
  let residual = addEmbedding(context, inputIds);
  let normalized = addRmsNorm(context, { name: '/model/layers.0/input_layernorm', module: 'model.layers.0.input_layernorm' }, residual);
  for (let layer = 0; layer < spec.numLayers; layer++) {
    const io = layerIo(context, layer);
    const attended = addAttention(context, { layer, input: normalized, io, shared });
    const postAttention = `${layerPrefix(layer)}.post_attention_layernorm`;
    ({ normalized, sum: residual } = addSkipRmsNorm(context, { name: `/model/layers.${layer}/post_attention_layernorm`, module: postAttention }, attended, residual));
    const mlpOut = addMlp(context, layer, normalized);
    const last = layer === spec.numLayers - 1;
    const next = last ? { name: '/model/norm', module: 'model.norm' } : { name: `/model/layers.${layer + 1}/input_layernorm`, module: `${layerPrefix(layer + 1)}.input_layernorm` };
    ({ normalized, sum: residual } = addSkipRmsNorm(context, next, mlpOut, residual));
  }
  addLmHead(context, normalized);
}

/** Rope scaling stretches a model past its trained positions by a factor of 4-40; 64 times is past any of them. */
export const MAX_CONTEXT_STRETCH = 64;
/** The cos and sin caches (float32, head_dim values per position) for 2M positions at head_dim 128: past any real context. */
export const MAX_ROTARY_CACHE_BYTES = 1 << 30;

/** The context length, checked before the rotary caches are sized from it. */
function resolveContextLength(spec: DecoderSpec, requested: number | undefined): number {
  const context = requested ?? spec.maxPositions;
  if (!Number.isSafeInteger(context) || context <= 0) throw new OliveError(`contextLength must be a positive integer, got ${requested}`);
  if (requested !== undefined && requested > spec.maxPositions * MAX_CONTEXT_STRETCH) {
    throw new OliveError(`context length ${requested} is more than ${MAX_CONTEXT_STRETCH} times the model's max_position_embeddings (${spec.maxPositions}): refused`);
  }
  const cacheBytes = context * spec.headDim * Float32Array.BYTES_PER_ELEMENT;
  if (cacheBytes > MAX_ROTARY_CACHE_BYTES) {
    throw new OliveError(`context length ${context} needs ${cacheBytes} bytes of rotary caches, beyond the limit of ${MAX_ROTARY_CACHE_BYTES}: give a shorter --context-length`);
  }
  return context;
}

function graphValues(values: ValueInfoProto[]): GraphValue[] {
  return values.map((v) => ({
    name: v.name!,
    dataType: v.type!.tensor_type!.elem_type!,
    dims: (v.type!.tensor_type!.shape!.dim ?? []).map((d) => d.dim_param ?? int64ToNumber(d.dim_value)),
  }));
}

function buildContext(spec: DecoderSpec, checkpoint: Checkpoint, options: DecoderGraphOptions, linears: LinearSpec[]): BuildContext {
  const format = FORMAT_OF_PRECISION[options.precision];
  const emit = options.emitLinear ?? emitMatMul;
  return {
    graph: new GraphBuilder(),
    spec,
    checkpoint,
    format,
    floatType: format === 'F32' ? DataType.FLOAT : DataType.FLOAT16,
    emitLinear: (context, linear) => {
      linears.push(linear);
      return emit(context, linear);
    },
    normalization: options.normalization ?? PROVIDER_NORMALIZATION[options.provider],
    attention: options.attention ?? defaultAttention(options.provider, options.precision),
  };
}

/** Check the config, checkpoint and target, then lay out the graph; nothing is written and no weight is read. */
export async function buildDecoderGraph(options: DecoderGraphOptions): Promise<DecoderGraph> {
  const config = await readConfig(options.modelDir);
  const spec = decoderSpec(config);
  checkTarget(spec, options.precision, options.provider, options.attention);
  const checkpoint = await openCheckpoint(options.modelDir);
  checkCheckpoint(checkpoint, spec);
  const contextLength = resolveContextLength(spec, options.contextLength);
  const linears: LinearSpec[] = [];
  const context = buildContext(spec, checkpoint, options, linears);
  addDecoder(context, contextLength);
  const { graph } = context;
  const model: ModelProto = {
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }, { domain: MICROSOFT_DOMAIN, version: MICROSOFT_OPSET }],
    producer_name: 'olive-node',
    producer_version: version,
    graph: { name: 'main_graph', node: graph.nodes, initializer: graph.initializers, input: graph.inputs, output: graph.outputs },
  };
  return { model, config, spec, checkpoint, contextLength, attention: context.attention, linears, inputs: graphValues(graph.inputs), outputs: graphValues(graph.outputs) };
}
