/**
 * Start a worker thread on a module of this package. Compiled JavaScript starts as it is; a TypeScript source
 * (tests, scripts) runs through tsx, and a worker does not inherit the loader hooks of the thread that starts it,
 * so the worker first registers tsx itself.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isTypeScript } from '../runnable-module.ts';

export function startTsWorker(moduleUrl: URL): Worker {
  if (!isTypeScript(moduleUrl.href)) return new Worker(moduleUrl);
  const bootstrap = [
    `import(${JSON.stringify(tsxEsmApiUrl())})`,
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); })`,
    // A failed start must reach the parent as an 'error' event, not die silently.
    '.catch((error) => { setImmediate(() => { throw error; }); });',
  ].join('');
  return new Worker(bootstrap, { eval: true });
}

let cachedApiUrl: string | undefined;

/** tsx's ESM API entry, found through its package.json exports (the CommonJS one resolves its hooks wrongly here). */
function tsxEsmApiUrl(): string {
  if (cachedApiUrl) return cachedApiUrl;
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = JSON.parse(readFileSync(packageJson, 'utf8')).exports as Record<string, { import: { default: string } }>;
  cachedApiUrl = pathToFileURL(path.join(path.dirname(packageJson), exports['./esm/api'].import.default)).href;
  return cachedApiUrl;
}
