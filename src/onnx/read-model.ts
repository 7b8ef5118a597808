/**
 * Read an .onnx file. Weights are not loaded: every external tensor gets a file-range source (validated), and
 * inline raw_data stays a view of the file buffer. Use getTensorSource() to reach a tensor's bytes.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { OliveError, ParseError } from '../errors.ts';
import { decodeModel } from './proto.ts';
import { readFileChunked } from './read-file.ts';
import { isExternal, resolveExternalData } from './external-data.ts';
import { setTensorSource } from './tensor-source.ts';
import { allInitializers } from './walk.ts';
import type { ModelProto } from './types.ts';

export interface LoadedModel {
  model: ModelProto;
  /** The .onnx file read. */
  path: string;
  /** Folder that external data locations are relative to. */
  dir: string;
}

export async function readModel(file: string): Promise<LoadedModel> {
  const info = await stat(file).catch(() => {
    throw new OliveError(`model file not found: ${file}`);
  });
  if (!info.isFile()) throw new OliveError(`not a file: ${file}`);
  const bytes = await readFileChunked(file, info.size);
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new ParseError(file, `not a valid ONNX model (${(error as Error).message})`);
  }
  if (!model.graph) throw new ParseError(file, 'ONNX model has no graph');
  const dir = path.dirname(path.resolve(file));
  for (const tensor of allInitializers(model)) {
    if (isExternal(tensor)) setTensorSource(tensor, resolveExternalData(tensor, dir));
  }
  return { model, path: path.resolve(file), dir };
}
