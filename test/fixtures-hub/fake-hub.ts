/**
 * A Hugging Face hub on 127.0.0.1 for tests, answering the requests @huggingface/hub makes: model info
 * (/api/models/{repo}/revision/{rev}), file resolution (/{repo}/resolve/{rev}/{file}) with Range requests and
 * ETags, 404 with X-Error-Code for missing files, an optional token, and injected one-off 500s.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  sha: string;
  files: Map<string, Buffer>;
}

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
  close(): Promise<void>;
}

export function fileEtag(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export async function startFakeHub(repos: Map<string, FakeRepo>, token?: string): Promise<FakeHub> {
  const requests: ServedRequest[] = [];
  const failures: string[] = [];
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
    route(repos, path, request, response, served);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failOnce: (suffix) => failures.push(suffix),
    close: () => closeServer(server),
  };
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
  const headers = { ETag: `"${fileEtag(content)}"`, 'X-Repo-Commit': repo.sha, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
  const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
  if (!range) {
    served.bytesSent = content.length;
    response.writeHead(200, { ...headers, 'Content-Length': content.length });
    return void response.end(request.method === 'HEAD' ? undefined : content);
  }
  const start = Number(range[1]);
  const end = Math.min(range[2] === '' ? content.length - 1 : Number(range[2]), content.length - 1);
  if (start > end) {
    response.writeHead(416, { 'Content-Range': `bytes */${content.length}` });
    return void response.end();
  }
  const body = content.subarray(start, end + 1);
  served.bytesSent = body.length;
  response.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${content.length}`, 'Content-Length': body.length });
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
