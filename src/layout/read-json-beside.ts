/** A JSON side file of a model folder (config, generation config, manifests): undefined when absent, a ParseError when not JSON. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ParseError } from '../errors.ts';

export async function readJsonBeside(dir: string, name: string): Promise<Record<string, unknown> | undefined> {
  const file = path.join(dir, name);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ParseError(file, `not valid JSON (${(error as Error).message})`);
  }
}
