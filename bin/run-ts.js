#!/usr/bin/env node
// Run a TypeScript file of this repository (benchmarks, scripts) through tsx: `node bin/run-ts.js FILE [args…]`.
import { register } from 'tsx/esm/api';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

register();
const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bin/run-ts.js FILE.ts [args…]');
  process.exitCode = 2;
} else {
  process.argv = [process.argv[0], file, ...args];
  await import(pathToFileURL(path.resolve(file)).href);
}
