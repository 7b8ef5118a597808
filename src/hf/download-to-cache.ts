/**
 * One hub file into the shared cache, resumable: bytes go to blobs/<etag>.incomplete and a later run continues
 * from its length with a Range request (as Python does), then the blob is checked against its hash, renamed and
 * linked into the snapshot. A lock per blob keeps two runs sharing the cache from writing one file at once.
 */
import { createWriteStream, existsSync, realpathSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { downloadFile, fileDownloadInfo, HubApiError, type FileDownloadInfoOutput } from '@huggingface/hub';
import { OliveError } from '../errors.ts';
import { realPath } from '../fs/safe-path.ts';
import { withFileLock } from './file-lock.ts';
import { blobPath, linkSnapshotFile, normalizeEtag, snapshotFile } from './hub-cache.ts';
import type { HubClient } from './hub-client.ts';
import { blobMatchesEtag } from './verify-blob.ts';

export interface DownloadProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number;
}

export interface CacheFileRequest {
  client: HubClient;
  repo: string;
  repoDir: string;
  commit: string;
  file: string;
  onProgress?: (progress: DownloadProgress) => void;
}

/** The snapshot path of the file, downloading what the cache lacks or holds with the wrong bytes. */
export async function downloadToCache(request: CacheFileRequest): Promise<string> {
  const { repoDir, commit, file } = request;
  const pointer = snapshotFile(repoDir, commit, file);
  if (await cachedPointerIsSound(pointer, repoDir)) return pointer;
  const info = await downloadInfo(request);
  const etag = normalizeEtag(info.etag);
  const blob = blobPath(repoDir, etag);
  await mkdir(path.dirname(blob), { recursive: true });
  await withFileLock(`${blob}.lock`, async () => {
    // another run may have finished this blob while we waited for the lock
    if (existsSync(blob) && (await blobMatchesEtag(blob, etag))) return;
    await rm(blob, { force: true });
    await downloadBlob(request, info, blob, etag);
  }, { progressFile: `${blob}.incomplete` });
  return linkSnapshotFile(repoDir, commit, file, etag);
}

/** A snapshot link to a blob whose bytes still match its name; a wrong blob is removed, to be downloaded again. */
async function cachedPointerIsSound(pointer: string, repoDir: string): Promise<boolean> {
  if (!existsSync(pointer)) return false;
  const blob = realpathSync(pointer);
  // only a blob of this repository's cache is checked (and removed); anything else was put there by the user
  if (path.dirname(blob) !== realPath(path.join(repoDir, 'blobs'))) return true;
  if (await blobMatchesEtag(blob, path.basename(blob))) return true;
  await rm(blob, { force: true });
  await rm(pointer, { force: true });
  return false;
}

/** The file's ETag and size; an empty file answers a `bytes=0-0` probe with 416, so it is asked again without one. */
async function downloadInfo(request: CacheFileRequest): Promise<FileDownloadInfoOutput> {
  const { client, repo, commit, file } = request;
  try {
    const info = await fileDownloadInfo({ ...client, repo, path: file, revision: commit });
    if (!info) throw new OliveError(`'${repo}' has no file '${file}' at ${commit}`);
    return info;
  } catch (error) {
    if (error instanceof HubApiError && error.statusCode === 416) return emptyFileInfo(request, error);
    throw error;
  }
}

async function emptyFileInfo(request: CacheFileRequest, rangeError: HubApiError): Promise<FileDownloadInfoOutput> {
  const { client, repo, commit, file } = request;
  const url = `${client.hubUrl}/${repo}/resolve/${encodeURIComponent(commit)}/${file}`;
  const headers: Record<string, string> = client.accessToken ? { Authorization: `Bearer ${client.accessToken}` } : {};
  const response = await client.fetch(url, { method: 'HEAD', headers });
  const etag = response.headers.get('x-linked-etag') ?? response.headers.get('etag');
  if (!response.ok || etag === null || Number(response.headers.get('content-length')) !== 0) throw rangeError;
  return { etag, size: 0, url };
}

async function downloadBlob(request: CacheFileRequest, info: FileDownloadInfoOutput, blob: string, etag: string): Promise<void> {
  const incomplete = `${blob}.incomplete`;
  const where = `download of '${request.file}' from '${request.repo}'`;
  if (info.size === 0) await writeFile(incomplete, '');
  const partial = (await stat(incomplete).catch(() => null))?.size ?? 0;
  // a partial file longer than the blob is not a prefix of it: start again
  const resumeFrom = partial <= info.size ? partial : 0;
  if (resumeFrom < info.size) await appendRemoteBytes(request, info, incomplete, resumeFrom);
  const { size } = await stat(incomplete);
  if (size !== info.size) {
    throw new OliveError(`${where} stopped at ${size} of ${info.size} bytes (the connection was cut): run again to resume`);
  }
  if (!(await blobMatchesEtag(incomplete, etag))) {
    await rm(incomplete, { force: true });
    throw new OliveError(`${where}: the bytes received do not match the hub's hash ${etag}; removed, run again to download afresh`);
  }
  await rename(incomplete, blob);
}

async function appendRemoteBytes(
  request: CacheFileRequest,
  info: FileDownloadInfoOutput,
  incomplete: string,
  resumeFrom: number,
): Promise<void> {
  const { client, repo, commit, file, onProgress } = request;
  const remote = await downloadFile({ ...client, repo, path: file, revision: commit, downloadInfo: info });
  if (!remote) throw new OliveError(`'${repo}' has no file '${file}' at ${commit}`);
  let bytesDone = resumeFrom;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytesDone += chunk.length;
      onProgress?.({ file, bytesDone, bytesTotal: info.size });
      callback(null, chunk);
    },
  });
  const body = Readable.fromWeb(remote.slice(resumeFrom).stream() as WebReadableStream);
  await pipeline(body, counter, createWriteStream(incomplete, { flags: resumeFrom > 0 ? 'a' : 'w' }));
}
