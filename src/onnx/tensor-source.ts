/**
 * Where a tensor's raw bytes live, without holding them: a byte range of a file (external data, a safetensors
 * shard, a large .onnx), bytes already in memory, or a producer that makes them on demand (a converted or
 * quantized weight). Writers stream a source chunk by chunk so peak memory stays flat whatever the model size.
 */
import { open } from 'node:fs/promises';
import { OliveError } from '../errors.ts';
import type { TensorProto } from './types.ts';

/** Read files in pieces of this size: well under Node 20's 2 GiB limit for one read, large enough to be fast. */
export const READ_CHUNK_BYTES = 16 * 1024 * 1024;

export type TensorSource =
  | { kind: 'file'; path: string; offset: number; length: number }
  | { kind: 'bytes'; bytes: Uint8Array }
  | {
      kind: 'producer';
      length: number;
      produce: () => Promise<Uint8Array> | AsyncIterable<Uint8Array>;
      transposeOf?: TransposeOrigin;
      widenedFrom?: WideningOrigin;
    };

/**
 * A producer whose bytes are `source` (raw BF16 or F16 values) widened to float32, which is exact: a pass that
 * decodes the values anyway (a quantizer) can read the narrower `source` instead and skip a conversion pass.
 */
export interface WideningOrigin {
  source: TensorSource;
  format: 'BF16' | 'F16';
}

/**
 * A producer whose bytes are the [cols, rows] transpose of `source`, a row-major [rows, cols] matrix of the same
 * element type: a pass that wants the untransposed matrix (a quantizer taking [N, K]) streams `source` instead.
 */
export interface TransposeOrigin {
  source: TensorSource;
  rows: number;
  cols: number;
}

const sources = new WeakMap<TensorProto, TensorSource>();

/**
 * Sources are keyed by object identity, so a `{...tensor}` copy has none. Every tensor given a source also gets
 * this enumerable symbol key, which a spread copy does carry: a tensor holding it but absent from the table is
 * such a copy, and asking for its bytes is an error rather than a tensor silently written without data.
 */
const HAS_SOURCE: unique symbol = Symbol('olive.tensorSource');
type Marked = TensorProto & { [HAS_SOURCE]?: true };

/** Attach the bytes of `tensor` (its raw_data layout) without putting them in the message. */
export function setTensorSource(tensor: TensorProto, source: TensorSource): TensorProto {
  sources.set(tensor, source);
  (tensor as Marked)[HAS_SOURCE] = true;
  return tensor;
}

/** A copy of `tensor` with `changes` applied that keeps its attached bytes (a plain `{...tensor}` would not). */
export function copyTensor(tensor: TensorProto, changes: Partial<TensorProto> = {}): TensorProto {
  const copy: TensorProto = { ...tensor, ...changes };
  const source = sources.get(tensor);
  if (source && changes.raw_data === undefined) setTensorSource(copy, source);
  else delete (copy as Marked)[HAS_SOURCE];
  return copy;
}

/**
 * The attached source, else inline raw_data; undefined for tensors stored in typed fields or unresolved. A copy
 * of a tensor whose bytes were attached, holding no bytes of its own, throws: its weights would be lost.
 */
export function getTensorSource(tensor: TensorProto): TensorSource | undefined {
  const attached = sources.get(tensor);
  if (attached) return attached;
  if (tensor.raw_data && tensor.raw_data.length > 0) return { kind: 'bytes', bytes: tensor.raw_data };
  if ((tensor as Marked)[HAS_SOURCE]) {
    throw new OliveError(
      `tensor '${tensor.name ?? ''}' is a copy of a tensor whose bytes are attached by identity, and has none of its own: its data would be lost (copy it with copyTensor, or attach a source with setTensorSource)`,
    );
  }
  return undefined;
}

export function sourceLength(source: TensorSource): number {
  return source.kind === 'bytes' ? source.bytes.length : source.length;
}

/** Yield the source's bytes in chunks of at most `chunkBytes` (a producer yields whatever it makes). */
export async function* streamSource(source: TensorSource, chunkBytes = READ_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  if (source.kind === 'bytes') {
    for (let at = 0; at < source.bytes.length; at += chunkBytes) yield source.bytes.subarray(at, at + chunkBytes);
    return;
  }
  if (source.kind === 'producer') {
    const made = await source.produce();
    if (made instanceof Uint8Array) yield made;
    else yield* made;
    return;
  }
  const handle = await open(source.path, 'r');
  try {
    for (let done = 0; done < source.length; ) {
      const want = Math.min(chunkBytes, source.length - done);
      const chunk = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(chunk, 0, want, source.offset + done);
      if (bytesRead !== want) throw new RangeError(`${source.path}: ended ${want - bytesRead} bytes early at ${source.offset + done}`);
      yield chunk;
      done += want;
    }
  } finally {
    await handle.close();
  }
}

/** All of a source's bytes in one buffer. Only for tensors known to be small, or ones a pass must rewrite whole. */
export async function readSource(source: TensorSource): Promise<Uint8Array> {
  if (source.kind === 'bytes') return source.bytes;
  const out = new Uint8Array(sourceLength(source));
  let at = 0;
  for await (const chunk of streamSource(source)) {
    if (at + chunk.length > out.length) throw new RangeError(`tensor source produced more than the ${out.length} bytes it declared`);
    out.set(chunk, at);
    at += chunk.length;
  }
  if (at !== out.length) throw new RangeError(`tensor source produced ${at} bytes, expected ${out.length}`);
  return out;
}
