/**
 * Input files are opened only when they are regular files: reading a FIFO blocks until someone writes to it (a
 * run hung forever on a FIFO named config.json), a device such as /dev/zero never ends.
 */
import { statSync } from 'node:fs';
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
