/**
 * Python huggingface_hub's cache layout, so both tools share downloads:
 * <cache>/models--org--name/blobs/<etag>, refs/<revision> (holds the commit), snapshots/<commit>/<file> → blob.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { plainComponent, plainRelativePath } from '../fs/safe-path.ts';

const COMMIT_HASH = /^[0-9a-f]{40}$/;

export function repoCacheDir(cacheDir: string, repo: string): string {
  return path.join(cacheDir, `models--${repo.split('/').join('--')}`);
}

/** The commit comes from the hub's answer: untrusted, so it must be one plain path component. */
export function snapshotDir(repoDir: string, commit: string): string {
  return path.join(repoDir, 'snapshots', plainComponent(commit, 'hub commit sha'));
}

/** The ETag comes from the hub's answer: untrusted, so it must be one plain path component. */
export function blobPath(repoDir: string, etag: string): string {
  return path.join(repoDir, 'blobs', plainComponent(etag, 'hub ETag'));
}

/** snapshots/<commit>/<file>, the file name (from the repository listing) checked to stay inside the snapshot. */
export function snapshotFile(repoDir: string, commit: string, file: string): string {
  return path.join(snapshotDir(repoDir, commit), plainRelativePath(file, 'repository file name'));
}

function refFile(repoDir: string, revision: string): string {
  return path.join(repoDir, 'refs', plainRelativePath(revision, 'revision'));
}

/** The commit a revision points to in the cache, or null when the cache has never seen it. */
export async function cachedCommit(repoDir: string, revision: string): Promise<string | null> {
  if (COMMIT_HASH.test(revision)) return existsSync(snapshotDir(repoDir, revision)) ? revision : null;
  const ref = await readFile(refFile(repoDir, revision), 'utf8').catch(() => null);
  return ref === null ? null : plainComponent(ref.trim(), `cached ref '${revision}'`);
}

export async function writeRef(repoDir: string, revision: string, commit: string): Promise<void> {
  if (revision === commit) return;
  const file = refFile(repoDir, revision);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, plainComponent(commit, 'hub commit sha'));
}

/** Point snapshots/<commit>/<file> at its blob with a relative link, as Python does. */
export async function linkSnapshotFile(repoDir: string, commit: string, file: string, etag: string): Promise<string> {
  const pointer = snapshotFile(repoDir, commit, file);
  await mkdir(path.dirname(pointer), { recursive: true });
  await rm(pointer, { force: true });
  await symlink(path.relative(path.dirname(pointer), blobPath(repoDir, etag)), pointer);
  return pointer;
}

/** Python strips the weak marker and the quotes from an ETag to name the blob. */
export function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/"/g, '');
}
