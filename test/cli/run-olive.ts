/** Run the `olive` command line in-process, capturing what it prints. */
import { main, type CliIo } from '../../src/cli/main.ts';

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

export async function runOlive(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await main(args, io);
  return { code, stdout: io.out(), stderr: io.err() };
}
