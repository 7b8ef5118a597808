// Package entry for `import … from 'olive-node'`: loads the TypeScript library through tsx (types: src/index.ts).
import { tsImport } from 'tsx/esm/api';

const library = await tsImport('../src/index.ts', import.meta.url);
export const {
  // filled in by src/index.ts; re-exported name by name so that static imports work
} = library;
export default library;
