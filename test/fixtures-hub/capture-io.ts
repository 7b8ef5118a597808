import type { CliIo } from '../../src/cli/main.ts';

export interface CapturedIo extends CliIo {
  out: () => string;
  err: () => string;
}

export function captureIo(): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    out: () => out,
    err: () => err,
  };
}
