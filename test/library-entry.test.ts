import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as library from '../src/index.ts';
import { libraryEntrySource } from '../scripts/gen-library-entry.ts';

describe('the package entry bin/library.js', () => {
  it('lists every runtime export of src/index.ts (regenerate with scripts/gen-library-entry.ts)', () => {
    const written = readFileSync(new URL('../bin/library.js', import.meta.url), 'utf8');
    expect(written).toBe(libraryEntrySource(Object.keys(library).sort()));
  });

  it('loads in plain Node and exposes the library', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = "const m = await import('olive-node'); console.log(typeof m.runAutoOpt, typeof m.planMemorySplits, m.version);";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out.trim()).toMatch(/^function function \d+\.\d+\.\d+$/);
  });
});
