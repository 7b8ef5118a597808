/**
 * Paths built from untrusted strings (a hub's ETag or commit, a repository listing, a manifest, a shard index).
 * Such a string becomes part of a path only when it is one plain path component, or a relative path made of them
 * that stays inside its root once symlinks are resolved; anything else is refused with an error naming the value.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { OliveError } from '../errors.ts';

/** Longer names fail with ENAMETOOLONG on common file systems (NAME_MAX is 255 bytes on ext4, APFS, NTFS). */
export const MAX_PATH_COMPONENT_BYTES = 255;
/** Control characters (NUL truncates paths in C APIs; the rest confuse terminals and logs). */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The value quoted for an error line, cut short and with control characters escaped. */
function shown(value: string): string {
  const quoted = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return `'${quoted.slice(1, -1)}'`;
}

/** Why `value` is not one plain path component, or null when it is. */
function componentProblem(value: string): string | null {
  if (value === '' || value === '.' || value === '..') return 'is not a file name';
  if (/[\\/]/.test(value)) return 'contains a path separator';
  if (CONTROL_CHARACTERS.test(value)) return 'contains a control character';
  if (Buffer.byteLength(value) > MAX_PATH_COMPONENT_BYTES) return `is longer than ${MAX_PATH_COMPONENT_BYTES} bytes`;
  return null;
}

/** `value` itself when it is one plain path component; `what` names where it came from in the error. */
export function plainComponent(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new OliveError(`${what} ${JSON.stringify(value) ?? String(value)} is not a string: refused`);
  const problem = componentProblem(value);
  if (problem) throw new OliveError(`${what} ${shown(value)} ${problem}: refused (it would become a path)`);
  return value;
}

/** `value` when it is a relative path of plain components ('a/b.json'), never absolute, never '..'. */
export function plainRelativePath(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new OliveError(`${what} ${JSON.stringify(value) ?? String(value)} is not a string: refused`);
  if (path.isAbsolute(value) || path.win32.isAbsolute(value)) throw new OliveError(`${what} ${shown(value)} is an absolute path: refused`);
  for (const part of value.split('/')) {
    const problem = componentProblem(part);
    if (problem) throw new OliveError(`${what} ${shown(value)} ${problem === 'is not a file name' ? "has an empty, '.' or '..' part" : problem}: refused (it must stay inside its folder)`);
  }
  return value;
}

/** root/relative after checking relative is plain and the result, symlinks resolved, stays inside root. */
export function joinInside(root: string, relative: unknown, what: string): string {
  const joined = path.join(root, plainRelativePath(relative, what));
  if (!isInside(realPath(joined), realPath(root))) {
    throw new OliveError(`${what} ${shown(relative as string)} leads outside '${root}' (through a symlink): refused`);
  }
  return joined;
}

/**
 * The real path of `target` even when it does not exist yet: the deepest existing ancestor resolved (symlinks
 * included), the rest appended.
 */
export function realPath(target: string): string {
  const absolute = path.resolve(target);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = path.dirname(absolute);
    return parent === absolute ? absolute : path.join(realPath(parent), path.basename(absolute));
  }
}

/** Whether `inner` is `folder` itself or below it; both paths already absolute and real. */
export function isInside(inner: string, folder: string): boolean {
  return inner === folder || inner.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
}
