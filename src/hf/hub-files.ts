/** Which repository files a conversion needs, and where its weights are described. */
import { INDEX_FILE, SINGLE_FILE } from './checkpoint.ts';
import { SUPPORT_FILES } from './model-files.ts';

const SUPPORT_FILE_NAMES = new Set(SUPPORT_FILES);

/** The root-level weights entry point: the single file, else the shard index; null when there is neither. */
export function weightsEntryFile(files: readonly string[]): string | null {
  if (files.includes(SINGLE_FILE)) return SINGLE_FILE;
  return files.includes(INDEX_FILE) ? INDEX_FILE : null;
}

/** Files of a full snapshot: support files plus root-level safetensors and their index. */
export function snapshotFiles(files: readonly string[]): string[] {
  return files.filter((file) => SUPPORT_FILE_NAMES.has(file) || (!file.includes('/') && (file.endsWith('.safetensors') || file === INDEX_FILE)));
}
