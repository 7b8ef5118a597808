#!/usr/bin/env node
// Entry point: runs the TypeScript sources through tsx, so `npm ci` alone makes `npx olive` work (no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { removeTemporariesSync } = await import('../src/fs/temporaries.ts');
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // an interrupted run removes its staging and work folders; the output is only ever renamed into place whole
    removeTemporariesSync();
    process.stderr.write(`\ninterrupted (${signal}): temporary folders removed; an output folder is only ever renamed into place whole\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
const code = await main(process.argv.slice(2));
// The only place that decides the process's exit status; let pending output (stdout pipes) drain first.
process.exitCode = code;
