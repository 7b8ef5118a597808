#!/usr/bin/env node
// Entry point: runs the TypeScript sources through tsx, so `npm ci` alone makes `npx olive` work (no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// The only place that decides the process's exit status; let pending output (stdout pipes) drain first.
process.exitCode = code;
