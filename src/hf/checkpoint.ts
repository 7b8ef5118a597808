/**
 * A local Hugging Face checkpoint: one model.safetensors or shards listed in model.safetensors.index.json. Only
 * headers are read; each tensor is reachable as a file-range source.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { OliveError, ParseError } from '../errors.ts';
import { readSmallTextFile } from '../fs/regular-file.ts';
import { plainRelativePath } from '../fs/safe-path.ts';
import { readSafetensorsHeader, type SafetensorsHeader, type SafetensorsTensorInfo } from './safetensors.ts';
import type { TensorSource } from '../onnx/tensor-source.ts';

export interface CheckpointTensor extends SafetensorsTensorInfo {
  file: string;
}

export interface Checkpoint {
  dir: string;
  tensors: Map<string, CheckpointTensor>;
}

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';
/** A 405B model's index (thousands of tensors) is a few hundred KB; 64 MiB is past any, and is read into memory. */
export const MAX_INDEX_BYTES = 64 * 1024 * 1024;

/** The safetensors files of a folder, in index order; empty when it has none. */
export async function listSafetensorsFiles(dir: string): Promise<string[]> {
  const indexPath = path.join(dir, INDEX_FILE);
  const text = await readSmallTextFile(indexPath, MAX_INDEX_BYTES, INDEX_FILE);
  if (text !== undefined) {
    let index: { weight_map?: Record<string, string> };
    try {
      index = JSON.parse(text);
    } catch (error) {
      throw new ParseError(indexPath, `not valid JSON (${(error as Error).message})`);
    }
    if (!index.weight_map || typeof index.weight_map !== 'object') throw new ParseError(indexPath, 'has no weight_map');
    const files = [...new Set(Object.values(index.weight_map))];
    return files.map((file) => path.join(dir, plainRelativePath(file, `${indexPath}: shard`)));
  }
  const single = path.join(dir, SINGLE_FILE);
  return existsSync(single) ? [single] : [];
}

export async function openCheckpoint(dir: string): Promise<Checkpoint> {
  const files = await listSafetensorsFiles(dir);
  if (files.length === 0) throw new OliveError(`no ${SINGLE_FILE} or ${INDEX_FILE} in ${dir}`);
  const tensors = new Map<string, CheckpointTensor>();
  for (const file of files) {
    const header: SafetensorsHeader = await readSafetensorsHeader(file);
    for (const info of header.tensors.values()) {
      if (tensors.has(info.name)) throw new ParseError(file, `tensor '${info.name}' is also in ${tensors.get(info.name)!.file}`);
      tensors.set(info.name, { ...info, file });
    }
  }
  return { dir, tensors };
}

export function checkpointSource(checkpoint: Checkpoint, name: string): TensorSource & { kind: 'file' } {
  const info = checkpoint.tensors.get(name);
  if (!info) throw new OliveError(`checkpoint in ${checkpoint.dir} has no tensor '${name}'`);
  return { kind: 'file', path: info.file, offset: info.offset, length: info.length };
}
