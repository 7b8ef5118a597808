/**
 * Input files are opened only when they are regular files: reading a FIFO blocks until someone writes to it (a
 * run hung forever on a FIFO named config.json), a device such as /dev/zero never ends.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { OliveError } from '../errors.ts';

/** What stat says a path is, in words, when it is not a regular file. */
function kindOf(stats: import('node:fs').Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Refuse `file` (symlinks followed) unless it is a regular file; a missing file is left to the caller's own
 * message (returns false).
 */
export function requireRegularFile(file: string, what = 'input file'): boolean {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (stats === undefined) return false;
  if (!stats.isFile()) throw new OliveError(`${what} '${file}' is ${kindOf(stats)}, not a regular file: refused`);
  return true;
}

/**
 * A JSON or text file read whole, after checking it is a regular file no larger than `maxBytes` (a config or an
 * index is KBs; a hostile one of GBs must not be read into memory). Undefined when it does not exist.
 */
export async function readSmallTextFile(file: string, maxBytes: number, what: string): Promise<string | undefined> {
  if (!requireRegularFile(file, what)) return undefined;
  const { size } = statSync(file);
  if (size > maxBytes) throw new OliveError(`${what} '${file}' is ${size} bytes, beyond the limit of ${maxBytes}: refused`);
  return readFile(file, 'utf8');
}
