/** Olive's --log_level: 0 DEBUG, 1 INFO, 2 WARNING, 3 ERROR (default), 4 CRITICAL. */
export type LogLevel = 0 | 1 | 2 | 3 | 4;

export const DEFAULT_LOG_LEVEL: LogLevel = 3;

/** Read before commander has parsed (errors can come from parsing itself): is a stack trace wanted? */
export function wantsStack(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--log_level' && argv[i + 1] === '0') return true;
    if (arg === '--log_level=0') return true;
  }
  return false;
}
