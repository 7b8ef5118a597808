/**
 * Read an .onnx file without loading its weights. External tensors get validated file-range sources. A file up
 * to the lazy threshold is read whole and its inline raw_data stay views of that buffer; a larger one is scanned
 * by byte range (scan-model.ts) and its inline raw_data become file-range sources too. Reach a tensor's bytes
 * with getTensorSource(), never through `raw_data` directly.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { OliveError, ParseError } from '../errors.ts';
import { decodeModel } from './proto.ts';
import { readFileChunked } from './read-file.ts';
import { scanModel } from './scan-model.ts';
import { isExternal, resolveExternalData } from './external-data.ts';
import { setTensorSource } from './tensor-source.ts';
import { allTensors } from './walk.ts';
import type { ModelProto } from './types.ts';

/** Files larger than this are scanned by range: reading them whole would put every inline weight in memory. */
export const LAZY_READ_THRESHOLD_BYTES = 256 * 1024 * 1024;
/** Files larger than this are always scanned: Node 20 cannot hold them in one read, protobuf caps a message here. */
export const ALWAYS_SCAN_BYTES = 2 ** 31;

export interface ReadModelOptions {
  /** Scan files larger than this by byte range instead of reading them whole (0 scans every file). */
  lazyThresholdBytes?: number;
}

/** 'buffered': the file was read whole; 'scanned': only its non-weight bytes were read. */
export type ReadMode = 'buffered' | 'scanned';

export interface LoadedModel {
  model: ModelProto;
  /** The .onnx file read. */
  path: string;
  /** Folder that external data locations are relative to. */
  dir: string;
  mode: ReadMode;
}

export async function readModel(file: string, options: ReadModelOptions = {}): Promise<LoadedModel> {
  const resolved = path.resolve(file);
  const size = await modelFileSize(resolved, file);
  const threshold = Math.min(options.lazyThresholdBytes ?? LAZY_READ_THRESHOLD_BYTES, ALWAYS_SCAN_BYTES);
  const mode: ReadMode = size > threshold ? 'scanned' : 'buffered';
  const model = await decodeModelFile(resolved, size, mode, file);
  if (!model.graph) throw new ParseError(file, 'ONNX model has no graph');
  const dir = path.dirname(resolved);
  for (const tensor of allTensors(model)) {
    if (isExternal(tensor)) setTensorSource(tensor, resolveExternalData(tensor, dir));
  }
  return { model, path: resolved, dir, mode };
}

async function modelFileSize(resolved: string, shownName: string): Promise<number> {
  const info = await stat(resolved).catch(() => {
    throw new OliveError(`model file not found: ${shownName}`);
  });
  if (!info.isFile()) throw new OliveError(`not a file: ${shownName}`);
  return info.size;
}

async function decodeModelFile(resolved: string, size: number, mode: ReadMode, shownName: string): Promise<ModelProto> {
  try {
    return mode === 'scanned' ? await scanModel(resolved) : decodeModel(await readFileChunked(resolved, size));
  } catch (error) {
    if (error instanceof OliveError) throw error;
    throw new ParseError(shownName, `not a valid ONNX model (${(error as Error).message})`);
  }
}
