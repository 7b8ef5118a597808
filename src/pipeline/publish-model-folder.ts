/**
 * The unsplit result (no split flags, as Olive): the model written into the staging folder (a checkpoint's) or
 * moved there with its data file from the work folder (an optimized ONNX input), with the files that travel with it (auto-opt then renames the staging folder into place).
 */
import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { copySideFiles } from '../split/copy-side-files.ts';
import { GENAI_CONFIG_FILE, MODEL_FILE, dataFileName, unsplitModelFiles, type UnsplitModelFiles } from '../layout/output-layout.ts';
import { relocateExternalData } from '../onnx/relocate-external-data.ts';
import type { ModelProto } from '../onnx/types.ts';
import { writeModel } from '../onnx/write-model.ts';
import { carryChatTemplate, declareExternalData, pointGenaiConfigAt } from './output-settings.ts';

export { GENAI_CONFIG_FILE, MODEL_FILE as OUTPUT_MODEL_FILE };

const OLIVE_FILES = unsplitModelFiles('olive', 'fp32', 'fp32');

/**
 * Move modelPath (and `<modelPath>.data`) into staging under the layout's names (model.onnx by default), with the
 * side files found in sideFilesDir.
 */
export async function stageModelFolder(sideFilesDir: string, modelPath: string, staging: string, files: UnsplitModelFiles = OLIVE_FILES): Promise<void> {
  const hasData = await moveModel(modelPath, staging, files);
  await carrySideFiles(sideFilesDir, staging);
  await carryChatTemplate(staging);
  if (files.layout === 'transformers.js') {
    await pointGenaiConfigAt(staging, files);
    await declareExternalData(staging, files, hasData);
  }
}

/**
 * Write a model held in memory (weights as attached sources) into staging under the layout's names, each weight
 * streamed from its source straight into the data file, with the side files found in sideFilesDir.
 */
export async function writeModelFolder(
  model: ModelProto,
  sideFilesDir: string,
  staging: string,
  files: UnsplitModelFiles,
  onTensorWritten?: (tensorName: string, bytes: number) => void,
): Promise<void> {
  const modelTarget = path.join(staging, ...files.model.split('/'));
  await mkdir(path.dirname(modelTarget), { recursive: true });
  const written = await writeModel(modelTarget, model, { dataFileName: path.posix.basename(files.data), onTensorWritten });
  await carrySideFiles(sideFilesDir, staging);
  await carryChatTemplate(staging);
  if (files.layout === 'transformers.js') {
    await pointGenaiConfigAt(staging, files);
    await declareExternalData(staging, files, written.dataPath !== undefined);
  }
}

/** The model and its data file into the staging folder; the model's tensors renamed to the data file's new name. */
async function moveModel(modelPath: string, staging: string, files: UnsplitModelFiles): Promise<boolean> {
  const modelTarget = path.join(staging, ...files.model.split('/'));
  await mkdir(path.dirname(modelTarget), { recursive: true });
  await rename(modelPath, modelTarget);
  const writtenData = dataFileName(path.basename(modelPath));
  const dataPath = path.join(path.dirname(modelPath), writtenData);
  if (!(await isFile(dataPath))) return false;
  await rename(dataPath, path.join(staging, ...files.data.split('/')));
  const newData = path.posix.basename(files.data);
  if (newData !== writtenData) await relocateExternalData(modelTarget, writtenData, newData);
  return true;
}

/** Tokenizer, config and genai_config.json files from one model folder to another. */
export async function carrySideFiles(fromDir: string, toDir: string): Promise<string[]> {
  if (path.resolve(fromDir) === path.resolve(toDir)) return [];
  const copied = await copySideFiles(fromDir, toDir);
  if (await isFile(path.join(fromDir, GENAI_CONFIG_FILE))) {
    await copyFile(path.join(fromDir, GENAI_CONFIG_FILE), path.join(toDir, GENAI_CONFIG_FILE));
    copied.push(GENAI_CONFIG_FILE);
  }
  return copied;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}
