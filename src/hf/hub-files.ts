/** Which repository files a conversion needs, and where its weights are described. */
import { INDEX_FILE, SINGLE_FILE } from './checkpoint.ts';

/** Files besides the weights that conversion and the runtime read (tokenizer, generation defaults). */
const SUPPORT_FILES = new Set([
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'tokenizer.model',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.json',
  'merges.txt',
  'chat_template.jinja',
]);

/** The root-level weights entry point: the single file, else the shard index; null when there is neither. */
export function weightsEntryFile(files: readonly string[]): string | null {
  if (files.includes(SINGLE_FILE)) return SINGLE_FILE;
  return files.includes(INDEX_FILE) ? INDEX_FILE : null;
}

/** Files of a full snapshot: support files plus root-level safetensors and their index. */
export function snapshotFiles(files: readonly string[]): string[] {
  return files.filter((file) => SUPPORT_FILES.has(file) || (!file.includes('/') && (file.endsWith('.safetensors') || file === INDEX_FILE)));
}
