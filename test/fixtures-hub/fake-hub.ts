/**
 * A Hugging Face hub on 127.0.0.1 for tests, answering the requests @huggingface/hub makes: model info
 * (/api/models/{repo}/revision/{rev}), file resolution (/{repo}/resolve/{rev}/{file}) with Range requests and
 * ETags, 404 with X-Error-Code for missing files, an optional token, and injected one-off 500s.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A file the hub holds: its bytes, or a header followed by zeros up to size (a sparse multi-GB checkpoint). */
export type FakeFile = Buffer | { head: Buffer; size: number };

export interface FakeRepo {
  sha: string;
  files: Map<string, FakeFile>;
  /** ETags to send instead of the files' sha256 (a hostile or broken hub). */
  etags?: Map<string, string>;
}

/** Takes over a request when it returns true: hangs, stalls, cuts, rate limits, endless answers. */
export type Intercept = (path: string, request: IncomingMessage, response: ServerResponse) => boolean;

/** A whole virtual file is never sent: fetching all of a multi-GB checkpoint is exactly what tests must catch. */
const MAX_WHOLE_VIRTUAL_FILE_BYTES = 1 << 20;

export interface ServedRequest {
  method: string;
  path: string;
  range: string | undefined;
  bytesSent: number;
}

export interface FakeHub {
  url: string;
  requests: ServedRequest[];
  /** The next request whose path ends with this suffix answers 500 once. */
  failOnce(pathSuffix: string): void;
  /** Set to take over requests (cleared by assigning undefined). */
  intercept: Intercept | undefined;
  close(): Promise<void>;
}

export function fileEtag(content: FakeFile): string {
  const hash = createHash('sha256');
  if (Buffer.isBuffer(content)) return hash.update(content).digest('hex');
  return hash.update(content.head).update(String(content.size)).digest('hex');
}

function fileSize(content: FakeFile): number {
  return Buffer.isBuffer(content) ? content.length : content.size;
}

/** Bytes start..end (inclusive) of a file. */
function fileBytes(content: FakeFile, start: number, end: number): Buffer {
  if (Buffer.isBuffer(content)) return content.subarray(start, end + 1);
  const bytes = Buffer.alloc(end + 1 - start);
  if (start < content.head.length) content.head.copy(bytes, 0, start, Math.min(end + 1, content.head.length));
  return bytes;
}

export async function startFakeHub(repos: Map<string, FakeRepo>, token?: string): Promise<FakeHub> {
  const requests: ServedRequest[] = [];
  const failures: string[] = [];
  const hub = { intercept: undefined as Intercept | undefined };
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://hub').pathname);
    const served: ServedRequest = { method: request.method ?? 'GET', path, range: request.headers.range, bytesSent: 0 };
    requests.push(served);
    const failure = failures.findIndex((suffix) => path.endsWith(suffix));
    if (failure >= 0) {
      failures.splice(failure, 1);
      return sendJson(response, 500, { error: 'injected failure' });
    }
    if (token !== undefined && request.headers.authorization !== `Bearer ${token}`) {
      return sendJson(response, 401, { error: 'Invalid credentials' });
    }
    if (hub.intercept?.(path, request, response)) return;
    route(repos, path, request, response, served);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(hub, {
    url: `http://127.0.0.1:${port}`,
    requests,
    failOnce: (suffix: string) => void failures.push(suffix),
    close: () => closeServer(server),
  });
}

function route(repos: Map<string, FakeRepo>, path: string, request: IncomingMessage, response: ServerResponse, served: ServedRequest): void {
  const info = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(path);
  if (info) return sendModelInfo(repos, info[1], info[2], response);
  const resolve = /^\/(.+?\/.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
  if (resolve) return sendFile(repos, resolve[1], resolve[2], resolve[3], request, response, served);
  sendJson(response, 404, { error: 'Not Found' });
}

function findRepo(repos: Map<string, FakeRepo>, name: string, revision: string): FakeRepo | undefined {
  const repo = repos.get(name);
  return repo && (revision === 'main' || revision === 'HEAD' || revision === repo.sha) ? repo : undefined;
}

function sendModelInfo(repos: Map<string, FakeRepo>, name: string, revision: string, response: ServerResponse): void {
  const repo = findRepo(repos, name, revision);
  if (!repo) return sendJson(response, 404, { error: 'Repository not found' }, 'RepoNotFound');
  sendJson(response, 200, {
    _id: `id-${name}`,
    id: name,
    sha: repo.sha,
    private: false,
    gated: false,
    downloads: 0,
    likes: 0,
    lastModified: '2024-01-01T00:00:00.000Z',
    siblings: [...repo.files.keys()].map((rfilename) => ({ rfilename })),
  });
}

function sendFile(repos: Map<string, FakeRepo>, name: string, revision: string, file: string, request: IncomingMessage, response: ServerResponse, served: ServedRequest): void {
  const repo = findRepo(repos, name, revision);
  const content = repo?.files.get(file);
  if (!repo || !content) return sendJson(response, 404, { error: 'Entry not found' }, 'EntryNotFound');
  const size = fileSize(content);
  const headers = { ETag: repo.etags?.get(file) ?? `"${fileEtag(content)}"`, 'X-Repo-Commit': repo.sha, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
  const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
  if (!range) {
    if (!Buffer.isBuffer(content) && size > MAX_WHOLE_VIRTUAL_FILE_BYTES) return sendJson(response, 500, { error: 'test hub: whole multi-GB file requested' });
    served.bytesSent = size;
    response.writeHead(200, { ...headers, 'Content-Length': size });
    return void response.end(request.method === 'HEAD' ? undefined : fileBytes(content, 0, size - 1));
  }
  const start = Number(range[1]);
  const end = Math.min(range[2] === '' ? size - 1 : Number(range[2]), size - 1);
  if (start > end) {
    response.writeHead(416, { 'Content-Range': `bytes */${size}` });
    return void response.end();
  }
  const body = fileBytes(content, start, end);
  served.bytesSent = body.length;
  response.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': body.length });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function sendJson(response: ServerResponse, status: number, body: unknown, errorCode?: string): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...(errorCode && { 'X-Error-Code': errorCode }) });
  response.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
