#!/usr/bin/env node
// The `olive` executable (package.json "bin" → dist/olive.js). It loads only the command line's parser; each
// command loads its modules when it runs, so `olive --version` and `--help` start fast.
import { main } from './cli/main.ts';
import { removeTemporariesSync } from './fs/temporaries.ts';

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
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
