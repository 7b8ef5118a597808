/** A bad --block-size or --accuracy-level is refused before the model is loaded, so a dry run reports it too. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOlive as olive } from './run-olive.ts';

const FIXTURE = path.resolve('fixtures/tiny-llama');

describe('int4/int8 flags checked up front', () => {
  const cases = [
    { flags: ['--block-size', '7'], message: /^error: block size 7 is invalid: it must be a power of two from 16 to 256\n$/ },
    // ONNX Runtime's CPU MatMulNBits kernel refuses to load a block size above 256
    { flags: ['--block-size', '512'], message: /^error: block size 512 is invalid/ },
    { flags: ['--accuracy-level', '9'], message: /^error: accuracy level 9 is invalid: it must be a whole number from 0 to 4\n$/ },
  ];
  for (const { flags, message } of cases) {
    it(`${flags.join(' ')} with --dry_run: one line, exit 1`, async () => {
      const run = await olive(['auto-opt', '-m', FIXTURE, '--precision', 'int4', ...flags, '--dry_run']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
    });
  }

  it('a valid block size plans as before', async () => {
    const run = await olive(['auto-opt', '-m', FIXTURE, '--precision', 'int8', '--block-size', '64', '--num-splits', '2', '--dry_run']);
    expect(run.code).toBe(0);
  });
});
