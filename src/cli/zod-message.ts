import type { z } from 'zod';

/** The first zod issue as one line naming the option, e.g. "--num-splits must be a whole number". */
export function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid options';
  const key = issue.path.join('.');
  const flag = key ? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'options';
  return issue.message.startsWith('--') ? issue.message : `${flag}: ${issue.message}`;
}
