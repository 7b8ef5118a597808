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
import { describeModules } from '../arch/describe-modules.ts';
import { openArchitecture } from '../arch/open-architecture.ts';
import type { LayerIo, SharedAttentionInputs } from './attention.ts';
import { FORMAT_OF_PRECISION, tensorOf, type AttentionKind, type BuildContext } from './build-context.ts';
import { checkCheckpoint } from './check-checkpoint.ts';
import { checkTarget } from './check-target.ts';
import type { Architecture } from '../arch/architecture.ts';
import { addDecoderLayer } from './decoder-layer.ts';
import { GraphBuilder, MICROSOFT_DOMAIN } from './graph-builder.ts';
import { emitMatMul, type LinearSpec } from './linear.ts';
import { addRmsNorm, type NormSpec } from './rms-norm.ts';
import { addRotaryCaches } from './rotary-caches.ts';
import { addSeqlensK, addTotalSequenceLength } from './sequence-lengths.ts';
import { addPlainAttentionInputs } from './plain-attention-inputs.ts';
import { addScale } from './scale.ts';
import { defaultAttention, PROVIDER_NORMALIZATION, type DecoderGraphOptions, type GraphValue } from './types.ts';
import { EMBEDDING, LM_HEAD, layerPrefix } from './weight-names.ts';
import { weightSource } from './weight-source.ts';

export const IR_VERSION = 10;
export const ONNX_OPSET = 21;
export const MICROSOFT_OPSET = 1;

export interface DecoderGraph {
  model: ModelProto;
  config: HfConfig;
  spec: Architecture;
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
  const past = ['batch_size', spec.kvHeads, 'past_sequence_length', spec.headDim];
  const present = ['batch_size', spec.kvHeads, 'total_sequence_length', spec.headDim];
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

/** The embedding lookup, times the family's embedding scale (Gemma's sqrt(hidden) in the model's float type). */
function addEmbedding(context: BuildContext, inputIds: string): string {
  const tensor = tensorOf(context, EMBEDDING);
  const table = context.graph.initializer(EMBEDDING, context.floatType, tensor.shape, weightSource(tensor, context.format));
  const looked = context.graph.add1({ op: 'Gather', name: '/model/embed_tokens/Gather', inputs: [table, inputIds], module: 'model.embed_tokens' });
  return addScale(context, looked, { name: '/model/embed_tokens/Mul', module: 'model.embed_tokens', factor: context.spec.embeddingScale });
}

/** lm_head, then Granite's logits_scaling (a division) and Gemma's soft cap cap·tanh(logits / cap) where set. */
function addLmHead(context: BuildContext, input: string): void {
  const { spec, graph } = context;
  const weight = tensorOf(context, spec.tiedEmbeddings ? EMBEDDING : LM_HEAD);
  const cap = spec.finalLogitSoftcap;
  const post = spec.logitsDivisor !== 1 || cap !== undefined;
  const product = context.emitLinear(context, { name: '/lm_head', module: 'lm_head', input, weight, tied: spec.tiedEmbeddings, ...(post ? {} : { output: 'logits' }) });
  if (!post) return;
  if (cap === undefined) {
    addScale(context, product, { name: '/lm_head/logits_scaling/Mul', module: 'lm_head', factor: 1 / spec.logitsDivisor, output: 'logits' });
    return;
  }
  const scaled = addScale(context, product, { name: '/lm_head/softcap/Mul', module: 'lm_head', factor: 1 / (spec.logitsDivisor * cap) });
  const bounded = graph.add1({ op: 'Tanh', name: '/lm_head/softcap/Tanh', inputs: [scaled], module: 'lm_head' });
  addScale(context, bounded, { name: '/lm_head/softcap/Mul_1', module: 'lm_head', factor: cap, output: 'logits' });
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
  graph.output('logits', context.floatType, ['batch_size', 'sequence_length', spec.vocab]);
  const shared = addSharedAttentionInputs(context, contextLength, inputIds, attentionMask);
  const residual = addEmbedding(context, inputIds);
  let state = { normalized: addRmsNorm(context, inputNorm(0), residual), residual };
  for (let layer = 0; layer < spec.layers; layer++) {
    const next = layer === spec.layers - 1 ? { name: '/model/norm', module: 'model.norm' } : inputNorm(layer + 1);
    state = addDecoderLayer(context, layer, state, layerIo(context, layer), shared, next);
  }
  addLmHead(context, state.normalized);
}

function inputNorm(layer: number): NormSpec {
  return { name: `/model/layers.${layer}/input_layernorm`, module: `${layerPrefix(layer)}.input_layernorm` };
}

/** Rope scaling stretches a model past its trained positions by a factor of 4-40; 64 times is past any of them. */
export const MAX_CONTEXT_STRETCH = 64;
/** The cos and sin caches (float32, head_dim values per position) for 2M positions at head_dim 128: past any real context. */
export const MAX_ROTARY_CACHE_BYTES = 1 << 30;

/** The context length, checked before the rotary caches are sized from it. */
function resolveContextLength(spec: Architecture, requested: number | undefined): number {
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

function buildContext(spec: Architecture, checkpoint: Checkpoint, options: DecoderGraphOptions, linears: LinearSpec[]): BuildContext {
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
  const spec = openArchitecture(config);
  checkTarget(spec, options.precision, options.provider, options.attention);
  const checkpoint = await openCheckpoint(options.modelDir);
  checkCheckpoint(checkpoint, spec, describeModules(config));
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
