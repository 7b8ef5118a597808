/**
 * ONNX external data (REFERENCE §7): parse a tensor's external_data entries and resolve them safely. A model file
 * is untrusted input: its `location` must stay inside the model's folder, symlinks included.
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { OliveError } from '../errors.ts';
import { requireRegularFile } from '../fs/regular-file.ts';
import { DataLocation, type TensorProto } from './types.ts';
import type { TensorSource } from './tensor-source.ts';

export interface ExternalDataInfo {
  location: string;
  offset: number;
  length: number | undefined;
  checksum: string | undefined;
}

export function isExternal(tensor: TensorProto): boolean {
  return tensor.data_location === DataLocation.EXTERNAL;
}

export function externalDataInfo(tensor: TensorProto): ExternalDataInfo {
  const entries = new Map((tensor.external_data ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const name = tensor.name ?? '(unnamed)';
  const location = entries.get('location');
  if (!location) throw new OliveError(`tensor '${name}': external data has no 'location'`);
  return {
    location,
    offset: parseDecimal(entries.get('offset') ?? '0', name, 'offset'),
    length: entries.has('length') ? parseDecimal(entries.get('length')!, name, 'length') : undefined,
    checksum: entries.get('checksum'),
  };
}

function parseDecimal(text: string, tensorName: string, key: string): number {
  if (!/^\d+$/.test(text)) throw new OliveError(`tensor '${tensorName}': external data ${key} '${text}' is not a decimal integer`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new OliveError(`tensor '${tensorName}': external data ${key} ${text} is too large`);
  return value;
}

/**
 * The file range holding an external tensor, after checking that its location is relative, has no `..`, stays in
 * `modelDir` once symlinks are resolved, and that offset + length lie inside the file.
 */
export function resolveExternalData(tensor: TensorProto, modelDir: string): TensorSource & { kind: 'file' } {
  const name = tensor.name ?? '(unnamed)';
  const info = externalDataInfo(tensor);
  const { location } = info;
  if (path.isAbsolute(location) || path.win32.isAbsolute(location)) {
    throw new OliveError(`tensor '${name}': external data location '${location}' is absolute; it must be relative to the model's folder`);
  }
  if (location.split(/[\\/]/).includes('..')) {
    throw new OliveError(`tensor '${name}': external data location '${location}' contains '..'; it must stay in the model's folder`);
  }
  const candidate = path.join(modelDir, location);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new OliveError(`tensor '${name}': external data file '${location}' not found next to the model`);
  }
  const realDir = realpathSync(modelDir);
  if (real !== realDir && !real.startsWith(realDir + path.sep)) {
    throw new OliveError(`tensor '${name}': external data location '${location}' leaves the model's folder (through a symlink)`);
  }
  requireRegularFile(real, `tensor '${name}': external data file`);
  const size = statSync(real).size;
  const length = info.length ?? size - info.offset;
  if (info.offset > size || info.offset + length > size || length < 0) {
    throw new OliveError(
      `tensor '${name}': external data range offset ${info.offset} length ${length} is beyond the end of '${location}' (${size} bytes)`,
    );
  }
  return { kind: 'file', path: real, offset: info.offset, length };
}
