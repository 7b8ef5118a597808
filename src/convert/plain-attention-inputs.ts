/**
 * What the standard-operator attention shares across layers, computed from attention_mask: each new token's
 * position (cumulative count of attended tokens − 1, as transformers derives position_ids) and an additive
 * mask [B, 1, 1, S, T] per sliding window the layers use, 0 where a query may see a key (causal, not padding,
 * inside the window) and the float type's lowest value elsewhere. No module: shared by every layer.
 */
import { DataType } from '../onnx/data-types.ts';
import { intAttr } from '../onnx/make-attribute.ts';
import type { AttributeProto } from '../onnx/types.ts';
import type { BuildContext } from './build-context.ts';
import { encodeFloats } from '../onnx/float-formats.ts';

const PREFIX = '/model/attn_mask_reformat/plain_attention_subgraph';

/** The most negative finite value of each float type: exp() of it is 0, and unlike -Infinity it never makes NaN. */
const LOWEST: Record<number, number> = { [DataType.FLOAT]: -3.4028234663852886e38, [DataType.FLOAT16]: -65504 };

export interface PlainAttentionInputs {
  /** int64 [B, S]: rotary positions of the new tokens. */
  positions: string;
  /** float [B, 1, 1, S, T] added to the attention scores, by sliding window (undefined: full causal). */
  masks: Map<number | undefined, string>;
}

export function maskOf(inputs: PlainAttentionInputs, window: number | undefined): string {
  const mask = inputs.masks.get(window);
  if (mask === undefined) throw new Error(`no attention mask was built for window ${window}`);
  return mask;
}

function scalar(context: BuildContext, name: string, value: number): string {
  if (context.graph.hasInitializer(`${PREFIX}/${name}`)) return `${PREFIX}/${name}`;
  const bytes = encodeFloats(new Float32Array([value]), context.format);
  return context.graph.initializer(`${PREFIX}/${name}`, context.floatType, [], { kind: 'bytes', bytes });
}

interface Positions {
  /** int64 [B, T]: the position of every token the mask covers. */
  keys: string;
  /** int64 [B, S]: the last S of them, the new tokens. */
  queries: string;
}

function int64(context: BuildContext, name: string, values: number[], dims?: number[]): string {
  return context.graph.int64(`${PREFIX}/${name}`, values, dims);
}

function node(context: BuildContext, op: string, suffix: string, inputs: string[], attributes: AttributeProto[] = []): string {
  return context.graph.add1({ op, name: `${PREFIX}/${suffix}`, inputs, attributes });
}

function addPositions(context: BuildContext, inputIds: string, attentionMask: string): Positions {
  const counted = node(context, 'CumSum', 'CumSum', [attentionMask, int64(context, 'axis', [1], [])]);
  // Left padding counts 0 before the first token: −1 is no rotary position, and padding is masked out anyway
  // (transformers fills those positions with 1; any valid one does).
  const keys = node(context, 'Max', 'Max_padding', [node(context, 'Sub', 'Sub', [counted, int64(context, 'one', [1], [])]), int64(context, 'first_position', [0], [])]);
  const newTokens = node(context, 'Shape', 'Shape', [inputIds], [intAttr('start', 1), intAttr('end', 2)]);
  const fromEnd = node(context, 'Neg', 'Neg', [newTokens]);
  const queries = node(context, 'Slice', 'Slice', [keys, fromEnd, int64(context, 'end', [Number.MAX_SAFE_INTEGER]), int64(context, 'slice_axes', [1])]);
  return { keys, queries };
}

interface CausalMask {
  /** bool [B, 1, 1, S, T]: key ≤ query and the key is not padding. */
  allowed: string;
  /** Positions broadcast as keys [B, 1, 1, 1, T] and queries [B, 1, 1, S, 1]. */
  keys: string;
  queries: string;
}

/** Allowed where key ≤ query and the key is not padding. */
function addCausalMask(context: BuildContext, positions: Positions, attentionMask: string): CausalMask {
  const keyAxes = int64(context, 'key_axes', [1, 2, 3]);
  // Broadcast shapes: keys [B, 1, 1, 1, T] against queries [B, 1, 1, S, 1].
  const keys = node(context, 'Unsqueeze', 'Unsqueeze_keys', [positions.keys, keyAxes]);
  const queries = node(context, 'Unsqueeze', 'Unsqueeze_queries', [positions.queries, int64(context, 'query_axes', [1, 2, 4])]);
  const causal = node(context, 'LessOrEqual', 'LessOrEqual', [keys, queries]);
  const notPadding = node(context, 'Equal', 'Equal', [node(context, 'Unsqueeze', 'Unsqueeze_mask', [attentionMask, keyAxes]), int64(context, 'one', [1], [])]);
  return { allowed: node(context, 'And', 'And', [causal, notPadding]), keys, queries };
}

/** The additive mask: 0 where allowed and (with a window) query − key < window, the lowest float elsewhere. */
function addAdditiveMask(context: BuildContext, causal: CausalMask, window: number | undefined): string {
  const at = window === undefined ? '' : `_window_${window}`;
  let allowed = causal.allowed;
  if (window !== undefined) {
    const distance = node(context, 'Sub', `Sub_distance${at}`, [causal.queries, causal.keys]);
    const inWindow = node(context, 'Less', `Less${at}`, [distance, int64(context, `window${at}`, [window], [])]);
    allowed = node(context, 'And', `And${at}`, [allowed, inWindow]);
  }
  return node(context, 'Where', `Where${at}`, [allowed, scalar(context, 'zero', 0), scalar(context, 'lowest', LOWEST[context.floatType])]);
}

export function addPlainAttentionInputs(context: BuildContext, inputIds: string, attentionMask: string): PlainAttentionInputs {
  const positions = addPositions(context, inputIds, attentionMask);
  const windows = new Set(context.spec.layerAttention.map((layer) => layer.slidingWindow));
  const causal = addCausalMask(context, positions, attentionMask);
  const masks = new Map([...windows].map((window) => [window, addAdditiveMask(context, causal, window)] as const));
  return { positions: positions.queries, masks };
}
