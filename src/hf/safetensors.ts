/**
 * safetensors files read by byte range: the header (8-byte little-endian length, then JSON) tells each tensor's
 * dtype, shape and offsets; the weights are never loaded, each tensor becomes a file-range TensorSource.
 */
import { open } from 'node:fs/promises';
import { ParseError } from '../errors.ts';
import { requireRegularFile } from '../fs/regular-file.ts';
import type { TensorSource } from '../onnx/tensor-source.ts';

/** A header larger than this is not a safetensors file (the format itself caps it at 100 MB). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

export type SafetensorsDtype =
  | 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'U16' | 'U32' | 'U64' | 'BOOL'
  | 'F8_E4M3' | 'F8_E5M2';

export const SAFETENSORS_DTYPE_BYTES: Record<SafetensorsDtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, U16: 2, U32: 4, U64: 8, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};

export interface SafetensorsTensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range inside the file (absolute: header already added). */
  offset: number;
  length: number;
}

export interface SafetensorsHeader {
  file: string;
  tensors: Map<string, SafetensorsTensorInfo>;
  metadata: Record<string, string>;
  /** Where the data section starts (8 + header length). */
  dataStart: number;
}

/** Parse the header JSON of a safetensors file given its raw bytes (after the 8-byte length). */
export function parseSafetensorsHeader(file: string, json: Uint8Array, fileSize: number | undefined): SafetensorsHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(json).toString('utf8'));
  } catch (error) {
    throw new ParseError(file, `safetensors header is not JSON (${(error as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ParseError(file, 'safetensors header is not a JSON object');
  const dataStart = 8 + json.length;
  const tensors = new Map<string, SafetensorsTensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    tensors.set(name, tensorInfo(file, name, entry, dataStart, fileSize));
  }
  requireDisjoint(file, [...tensors.values()]);
  return { file, tensors, metadata, dataStart };
}

/** Two tensors sharing bytes would alias each other's weights: the format requires disjoint data_offsets. */
function requireDisjoint(file: string, tensors: SafetensorsTensorInfo[]): void {
  const byOffset = tensors.filter((t) => t.length > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const [before, after] = [byOffset[i - 1], byOffset[i]];
    if (after.offset < before.offset + before.length) {
      throw new ParseError(file, `tensors '${before.name}' and '${after.name}' overlap: their data_offsets share bytes`);
    }
  }
}

function tensorInfo(file: string, name: string, entry: unknown, dataStart: number, fileSize: number | undefined): SafetensorsTensorInfo {
  const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof e?.dtype !== 'string' || !(e.dtype in SAFETENSORS_DTYPE_BYTES)) {
    throw new ParseError(file, `tensor '${name}' has unsupported dtype ${JSON.stringify(e?.dtype)}`);
  }
  const dtype = e.dtype as SafetensorsDtype;
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ParseError(file, `tensor '${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
  }
  const offsets = e.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[1] < offsets[0]) {
    throw new ParseError(file, `tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const shape = e.shape as number[];
  const length = offsets[1] - offsets[0];
  const expected = shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPE_BYTES[dtype];
  if (length !== expected) {
    throw new ParseError(file, `tensor '${name}': ${length} bytes for shape [${shape}] ${dtype}, expected ${expected}`);
  }
  const offset = dataStart + offsets[0];
  if (fileSize !== undefined && offset + length > fileSize) {
    throw new ParseError(file, `tensor '${name}' extends past the end of the file (${offset + length} > ${fileSize})`);
  }
  return { name, dtype, shape, offset, length };
}

/** Read only the header of a local safetensors file. */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  requireRegularFile(file, 'safetensors file');
  const handle = await open(file, 'r').catch(() => {
    throw new ParseError(file, 'safetensors file not found');
  });
  try {
    const { size } = await handle.stat();
    const prefix = Buffer.alloc(8);
    if (size < 8 || (await handle.read(prefix, 0, 8, 0)).bytesRead !== 8) throw new ParseError(file, 'too short for a safetensors file');
    const headerLength = Number(prefix.readBigUInt64LE(0));
    if (headerLength > MAX_SAFETENSORS_HEADER_BYTES || 8 + headerLength > size) {
      throw new ParseError(file, `safetensors header length ${headerLength} is implausible for a ${size}-byte file`);
    }
    const json = Buffer.alloc(headerLength);
    await handle.read(json, 0, headerLength, 8);
    return parseSafetensorsHeader(file, json, size);
  } finally {
    await handle.close();
  }
}

export function safetensorsSource(header: SafetensorsHeader, name: string): TensorSource & { kind: 'file' } {
  const info = header.tensors.get(name);
  if (!info) throw new ParseError(header.file, `no tensor named '${name}'`);
  return { kind: 'file', path: header.file, offset: info.offset, length: info.length };
}
