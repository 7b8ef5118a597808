/**
 * What -m names: an ONNX model (a .onnx file, or a folder holding exactly one .onnx and no config.json) or a
 * Hugging Face model (a local folder with config.json, or a hub id). Sniffed from the file system only.
 */
import { readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { OliveError } from '../errors.ts';

export type ModelInput = { kind: 'onnx'; path: string } | { kind: 'hf'; idOrPath: string };

export function classifyModelInput(model: string): ModelInput {
  const info = statSync(model, { throwIfNoEntry: false });
  if (info?.isFile()) {
    if (model.endsWith('.onnx')) return { kind: 'onnx', path: path.resolve(model) };
    throw new OliveError(`-m ${model} is a file but not an .onnx model: give a .onnx file, a model folder or a hub id`);
  }
  if (info?.isDirectory() && !existsSync(path.join(model, 'config.json'))) {
    const onnxFiles = readdirSync(model).filter((name) => name.endsWith('.onnx'));
    if (onnxFiles.length === 1) return { kind: 'onnx', path: path.resolve(model, onnxFiles[0]) };
    if (onnxFiles.length > 1) {
      throw new OliveError(`-m ${model} holds ${onnxFiles.length} .onnx files (${onnxFiles.slice(0, 3).join(', ')}…): name one of them`);
    }
  }
  return { kind: 'hf', idOrPath: model };
}
