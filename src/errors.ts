/**
 * Errors the CLI turns into one line and an exit code. Anything else is a bug and keeps its stack.
 */

/** A permanent problem with what the user gave us (a flag, a file, a model): exit 1, one line. */
export class OliveError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OliveError';
  }
}

/** Bad command-line usage: exit 2, like commander's own usage errors. */
export class UsageError extends OliveError {
  override readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A file whose bytes do not follow its format (ONNX, safetensors, CSV, JSON): names the file and what is wrong. */
export class ParseError extends OliveError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ParseError';
  }
}
