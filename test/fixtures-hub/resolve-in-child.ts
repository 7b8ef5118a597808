/** `node bin/run-ts.js test/fixtures-hub/resolve-in-child.ts <hub id>`: one full download, as a separate process would. */
import { resolveModelSource } from '../../src/hf/resolve-model-source.ts';

const source = await resolveModelSource(process.argv[2], { weights: 'full' });
process.stdout.write(`${source.dir}\n`);
