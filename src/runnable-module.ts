/**
 * Modules started on their own (worker threads, child processes) in whichever form the code runs: compiled
 * JavaScript from dist/ (the installed package) or the TypeScript sources through tsx (tests, scripts, benchmarks).
 * A module URL written as './x.ts' is not rewritten by the compiler the way import specifiers are.
 */
import { fileURLToPath } from 'node:url';

/** A module beside `baseUrl` (pass import.meta.url), with the extension of the form `baseUrl` runs in. */
export function siblingModule(stem: string, baseUrl: string): URL {
  return new URL(`${stem}${isTypeScript(baseUrl) ? '.ts' : '.js'}`, baseUrl);
}

export function isTypeScript(moduleUrl: string): boolean {
  return /\.[cm]?ts$/.test(moduleUrl);
}

/** Arguments for `node` that run the module as a script: directly, or through bin/run-ts.js (tsx) for TypeScript. */
export function nodeScriptArgs(moduleUrl: URL): string[] {
  const file = fileURLToPath(moduleUrl);
  return isTypeScript(moduleUrl.href) ? [fileURLToPath(new URL('../bin/run-ts.js', import.meta.url)), file] : [file];
}
