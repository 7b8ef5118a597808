/**
 * A hub blob's name is its hash: the ETag of an LFS file is the sha256 of its bytes, that of a regular (git) file
 * the git blob sha1 ("blob <size>\0" + bytes). A blob whose bytes do not match its name is not that file.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

const SHA256 = /^[0-9a-f]{64}$/;
const GIT_SHA1 = /^[0-9a-f]{40}$/;

/** Whether the file's bytes hash to `etag`; true when the ETag is no hash we know (nothing to check against). */
export async function blobMatchesEtag(file: string, etag: string): Promise<boolean> {
  const hash = SHA256.test(etag) ? createHash('sha256') : GIT_SHA1.test(etag) ? createHash('sha1') : null;
  if (hash === null) return true;
  if (GIT_SHA1.test(etag)) hash.update(`blob ${(await stat(file)).size}\0`);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex') === etag;
}
