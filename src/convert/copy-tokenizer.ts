/** Copy the tokenizer files a source folder has next to the built model (ORT GenAI loads them from there). */
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { requireRegularFile } from '../fs/regular-file.ts';
import { TOKENIZER_FILES } from '../hf/model-files.ts';

export { TOKENIZER_FILES };

/** Returns the copied files' new paths; files the source lacks are skipped. */
export async function copyTokenizerFiles(modelDir: string, outDir: string): Promise<string[]> {
  const copied: string[] = [];
  for (const name of TOKENIZER_FILES) {
    const source = path.join(modelDir, name);
    if (!existsSync(source)) continue;
    requireRegularFile(source, name);
    const target = path.join(outDir, name);
    if (path.resolve(source) !== path.resolve(target)) await copyFile(source, target);
    copied.push(target);
  }
  return copied;
}
