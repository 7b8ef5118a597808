/** Tokenizer and configuration files that travel with a model folder, copied from beside the source model. */
import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CARRIED_FILES } from '../layout/output-layout.ts';

/** genai_config.json is not among them: the split writes its own pipeline version of it. */
export const SIDE_FILES = CARRIED_FILES;

/** Copy the side files present in sourceDir; returns the names copied. */
export async function copySideFiles(sourceDir: string, targetDir: string): Promise<string[]> {
  const copied: string[] = [];
  for (const name of SIDE_FILES) {
    const from = path.join(sourceDir, name);
    if (!(await stat(from).catch(() => undefined))?.isFile()) continue;
    await copyFile(from, path.join(targetDir, name));
    copied.push(name);
  }
  return copied;
}
