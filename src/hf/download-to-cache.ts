/**
 * One hub file into the shared cache, resumable: bytes go to blobs/<etag>.incomplete and a later run continues
 * from its length with a Range request (as Python does), then the blob is renamed and linked into the snapshot.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { downloadFile, fileDownloadInfo, type FileDownloadInfoOutput } from '@huggingface/hub';
import { OliveError } from '../errors.ts';
import { blobPath, linkSnapshotFile, normalizeEtag, snapshotDir } from './hub-cache.ts';
import type { HubClient } from './hub-client.ts';

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

/** The snapshot path of the file, downloading what the cache lacks. */
export async function downloadToCache(request: CacheFileRequest): Promise<string> {
  const { client, repo, repoDir, commit, file } = request;
  const pointer = path.join(snapshotDir(repoDir, commit), file);
  if (existsSync(pointer)) return pointer;
  const info = await fileDownloadInfo({ ...client, repo, path: file, revision: commit });
  if (!info) throw new OliveError(`'${repo}' has no file '${file}' at ${commit}`);
  const etag = normalizeEtag(info.etag);
  const blob = blobPath(repoDir, etag);
  if (!existsSync(blob)) await downloadBlob(request, info, blob);
  return linkSnapshotFile(repoDir, commit, file, etag);
}

async function downloadBlob(request: CacheFileRequest, info: FileDownloadInfoOutput, blob: string): Promise<void> {
  const incomplete = `${blob}.incomplete`;
  await mkdir(path.dirname(blob), { recursive: true });
  const partial = (await stat(incomplete).catch(() => null))?.size ?? 0;
  // a partial file longer than the blob is not a prefix of it: start again
  const resumeFrom = partial <= info.size ? partial : 0;
  if (resumeFrom < info.size) await appendRemoteBytes(request, info, incomplete, resumeFrom);
  const { size } = await stat(incomplete);
  if (size !== info.size) {
    const where = `download of '${request.file}' from '${request.repo}'`;
    throw new OliveError(`${where} stopped at ${size} of ${info.size} bytes: run again to resume`);
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
