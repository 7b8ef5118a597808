/**
 * The unsplit result (no split flags, as Olive): the model and its data file moved from the work folder into a
 * staging folder with the files that travel with it, then renamed into place.
 */
import { copyFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { copySideFiles } from '../split/copy-side-files.ts';
import { createStaging, discardStaging, publishStaging } from '../fs/output-folder.ts';
import type { AutoOptOptions } from './options.ts';
import { GENAI_CONFIG_FILE, MODEL_FILE, dataFileName } from '../layout/output-layout.ts';

export { GENAI_CONFIG_FILE, MODEL_FILE as OUTPUT_MODEL_FILE };

/** Move modelPath (and `<modelPath>.data`) to the output as model.onnx, with the side files found in sideFilesDir. */
export async function publishModelFolder(sideFilesDir: string, modelPath: string, options: Pick<AutoOptOptions, 'outputPath' | 'force'>): Promise<void> {
  const staging = await createStaging(options.outputPath);
  try {
    await rename(modelPath, path.join(staging, MODEL_FILE));
    if (await isFile(`${modelPath}.data`)) {
      await rename(`${modelPath}.data`, path.join(staging, dataFileName(MODEL_FILE)));
    }
    await carrySideFiles(sideFilesDir, staging);
    await publishStaging(staging, options.outputPath, options.force);
  } catch (error) {
    await discardStaging(staging);
    throw error;
  }
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
