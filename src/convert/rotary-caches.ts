/**
 * The cos/sin caches every layer's attention reads ([positions, rotary_dim / 2]): the model's, and for Gemma 3 a
 * second pair for its sliding layers. Longrope has two pairs: the short-factor pair up to
 * original_max_position_embeddings and the long-factor pair up to the context length; an If node on
 * total_sequence_length > original_max picks one per run (ORT GenAI's scheme), matching transformers, which
 * switches to the long factors once the sequence outgrows the original context.
 */
import type { RopeSpec } from '../arch/rope-config.ts';
import { DataType } from '../onnx/data-types.ts';
import type { GraphProto } from '../onnx/types.ts';
import { graphAttr } from '../onnx/make-attribute.ts';
import type { BuildContext } from './build-context.ts';
import { encodeFloats } from '../onnx/float-formats.ts';
import { valueInfo } from './graph-builder.ts';
import { inverseFrequencies, rotaryTables, scaledInverseFrequencies, type RotaryTables } from './rotary-tables.ts';

const PREFIX = '/model/rotemb_caches_subgraph';

export interface RotaryCaches {
  cos: string;
  sin: string;
}

/** The caches by the table a layer rotates with (LayerAttention.rotary); local only where the model has it. */
export interface RotaryCacheSet {
  global: RotaryCaches;
  local: RotaryCaches | undefined;
}

function addTables(context: BuildContext, tables: RotaryTables, suffix: string): RotaryCaches {
  const dims = [tables.positions, tables.cos.length / tables.positions];
  const add = (name: string, values: Float32Array) =>
    context.graph.initializer(name, context.floatType, dims, { kind: 'bytes', bytes: encodeFloats(values, context.format) });
  return { cos: add(`cos_cache${suffix}`, tables.cos), sin: add(`sin_cache${suffix}`, tables.sin) };
}

/** A branch graph that just returns the given outer-scope caches. */
function passThrough(context: BuildContext, name: string, caches: RotaryCaches, half: number): GraphProto {
  const outputs = [`${name}/cos_cache`, `${name}/sin_cache`];
  return {
    name,
    node: [
      { name: `${name}/cos/Identity`, op_type: 'Identity', input: [caches.cos], output: [outputs[0]] },
      { name: `${name}/sin/Identity`, op_type: 'Identity', input: [caches.sin], output: [outputs[1]] },
    ],
    output: outputs.map((output) => valueInfo(output, context.floatType, ['max_sequence_length', half])),
  };
}

function addLongropeCaches(context: BuildContext, rope: Extract<RopeSpec, { kind: 'longrope' }>, positions: number, totalSequenceLength: string): RotaryCaches {
  const { graph, spec } = context;
  const shortTables = rotaryTables(scaledInverseFrequencies(rope.theta, spec.rotaryDim, rope.shortFactor), rope.originalMaxPositions, rope.attentionFactor);
  const longTables = rotaryTables(scaledInverseFrequencies(rope.theta, spec.rotaryDim, rope.longFactor), Math.max(positions, rope.originalMaxPositions), rope.attentionFactor);
  const short = addTables(context, shortTables, '_small');
  const long = addTables(context, longTables, '_large');
  const original = graph.initializer(`${PREFIX}/original_max_position_embeddings`, DataType.INT32, [], {
    kind: 'bytes',
    bytes: new Uint8Array(new Int32Array([rope.originalMaxPositions]).buffer),
  });
  const useLong = graph.add1({ op: 'Greater', name: `${PREFIX}/Greater`, inputs: [totalSequenceLength, original] });
  const half = spec.rotaryDim / 2;
  const [cos, sin] = graph.add({
    op: 'If',
    name: `${PREFIX}/If`,
    inputs: [useLong],
    outputs: ['cos_cache', 'sin_cache'],
    attributes: [graphAttr('then_branch', passThrough(context, 'large_rotemb_caches_graph', long, half)), graphAttr('else_branch', passThrough(context, 'small_rotemb_caches_graph', short, half))],
  });
  return { cos, sin };
}

function addCaches(context: BuildContext, rope: RopeSpec, positions: number, totalSequenceLength: string, suffix: string): RotaryCaches {
  if (rope.kind === 'longrope') return addLongropeCaches(context, rope, positions, totalSequenceLength);
  return addTables(context, rotaryTables(inverseFrequencies(rope, context.spec.rotaryDim), positions), suffix);
}

/** Adds the caches for `positions` positions; returns the names the layers' attention reads. */
export function addRotaryCaches(context: BuildContext, positions: number, totalSequenceLength: string): RotaryCacheSet {
  const { rope, localRope } = context.spec;
  return {
    global: addCaches(context, rope, positions, totalSequenceLength, ''),
    local: localRope ? addCaches(context, localRope, positions, totalSequenceLength, '_local') : undefined,
  };
}

/** The caches layer `layer` rotates with; undefined for a layer without rotary. */
export function layerRotary(context: BuildContext, caches: RotaryCacheSet, layer: number): RotaryCaches | undefined {
  const table = context.spec.layerAttention[layer].rotary;
  if (table === 'none') return undefined;
  return table === 'local' ? caches.local : caches.global;
}
