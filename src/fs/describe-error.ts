/**
 * The one line printed for an error that is not an OliveError: a system call's errno in words with the path it
 * named, and the JavaScript engine's own texts (which mean a bug met a hostile input) said plainly instead of
 * leaking as "Cannot read properties of null".
 */

const ERRNO_WORDS: Record<string, string> = {
  ENAMETOOLONG: 'a file name in the path is too long',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder where a file was expected',
  ENOENT: 'does not exist',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EEXIST: 'already exists',
  ELOOP: 'too many levels of symbolic links',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  EXDEV: 'the output and its staging folder are on different file systems',
};

/** Engine messages and what they mean for the user. */
const ENGINE_MESSAGES: Array<[RegExp, string]> = [
  [/Maximum call stack size exceeded/, 'the input is nested too deeply to process'],
  [/Invalid (typed )?array length|Array buffer allocation failed|Invalid string length|allocation failed/i, 'a size given in the input is too large to allocate'],
  [/Cannot read propert(y|ies) of (null|undefined)|is not iterable|is not a function|Cannot convert undefined or null/, 'the input lacks a field it needs or has one of the wrong kind'],
  [/Unexpected end of JSON input|in JSON at position/, 'a JSON file in the input is not valid JSON'],
];

export function describeError(error: unknown): string {
  const errno = error as NodeJS.ErrnoException;
  if (typeof errno?.code === 'string' && ERRNO_WORDS[errno.code]) {
    const where = errno.path ? `'${errno.path}': ` : '';
    return `${where}${ERRNO_WORDS[errno.code]} (${errno.code}${errno.syscall ? `, ${errno.syscall}` : ''})`;
  }
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, meaning] of ENGINE_MESSAGES) {
    if (pattern.test(message)) return `${meaning}; this is a bug in olive-node's input checks (run with --log_level 0 for details)`;
  }
  return message.split('\n')[0];
}
