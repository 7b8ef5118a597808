/**
 * The ONNX files a model argument names, in pipeline order: a split folder (model_config.json, else a
 * decoder-pipeline genai_config.json), an unsplit output folder (genai_config.json's decoder, else model.onnx), or
 * one .onnx file. Manifest file names are untrusted: each must be a plain file name that exists in the folder.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { OliveError, ParseError } from '../../errors.ts';
import { GENAI_CONFIG_FILE, MODEL_CONFIG_FILE, MODEL_FILE } from '../../layout/output-layout.ts';
import { isPlainFileName, parseJson, splitFilesOf } from '../split-files.ts';

export type ModelLayout = 'split' | 'unsplit' | 'file';

export interface ModelFiles {
  /** The folder the model's side files (tokenizer, configs) sit in. */
  dir: string;
  /** ONNX files in the order they run. */
  files: string[];
  layout: ModelLayout;
}

export async function resolveModelFiles(model: string): Promise<ModelFiles> {
  const info = await stat(model).catch(() => {
    throw new OliveError(`model not found: ${model}`);
  });
  if (!info.isDirectory()) return { dir: path.dirname(model), files: [model], layout: 'file' };
  const files = await folderFiles(model);
  const missing = files.files.find((file) => !existsSync(file));
  if (missing) throw new OliveError(`'${model}' is missing ${path.basename(missing)}, which its manifest lists`);
  return files;
}

async function folderFiles(dir: string): Promise<ModelFiles> {
  if (existsSync(path.join(dir, MODEL_CONFIG_FILE))) return { dir, files: await splitFilesOf(dir), layout: 'split' };
  const decoder = await genaiDecoder(dir);
  if (decoder?.pipeline) return { dir, files: decoder.pipeline.map((name) => path.join(dir, name)), layout: 'split' };
  const fileName = decoder?.filename ?? MODEL_FILE;
  if (!existsSync(path.join(dir, fileName)) && !decoder) {
    throw new OliveError(`'${dir}' holds no model: no ${MODEL_CONFIG_FILE}, ${GENAI_CONFIG_FILE} or ${MODEL_FILE}`);
  }
  return { dir, files: [path.join(dir, fileName)], layout: 'unsplit' };
}

interface GenaiDecoder {
  filename?: string;
  pipeline?: string[];
}

/** The decoder's file name, or its pipeline stages' file names, from genai_config.json (undefined without one). */
async function genaiDecoder(dir: string): Promise<GenaiDecoder | undefined> {
  const file = path.join(dir, GENAI_CONFIG_FILE);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const decoder = (parseJson(file, text) as { model?: { decoder?: { filename?: unknown; pipeline?: unknown } } } | null)?.model?.decoder;
  if (Array.isArray(decoder?.pipeline)) return { pipeline: decoder.pipeline.map((stage, i) => stageFileName(file, stage, i)) };
  if (decoder?.filename === undefined) return {};
  if (!isPlainFileName(decoder.filename)) throw new ParseError(file, 'model.decoder.filename is not a file name in the folder');
  return { filename: decoder.filename };
}

function stageFileName(file: string, stage: unknown, index: number): string {
  const body = stage !== null && typeof stage === 'object' ? Object.values(stage)[0] : undefined;
  const name = (body as { filename?: unknown } | undefined)?.filename;
  if (!isPlainFileName(name)) throw new ParseError(file, `model.decoder.pipeline[${index}] filename is not a file name in the folder`);
  return name;
}
