import { statSync } from 'node:fs';
import { OliveError } from '../errors.ts';

export type ModelArgument = { kind: 'local'; dir: string } | { kind: 'hub'; repo: string };

/** org/name (or a legacy single name): letters, digits, '-', '_', '.'; never starting with '.' or '-'. */
const HUB_ID = /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/;

/** An existing folder is local; otherwise the argument must look like a hub id. */
export function parseModelArgument(arg: string): ModelArgument {
  const stats = statSync(arg, { throwIfNoEntry: false });
  if (stats?.isDirectory()) return { kind: 'local', dir: arg };
  if (stats) throw new OliveError(`model '${arg}' is a file: give a model folder (config.json + safetensors) or a hub id`);
  if (HUB_ID.test(arg) && !arg.includes('..')) return { kind: 'hub', repo: arg };
  throw new OliveError(`model '${arg}' is neither an existing folder nor a hub id like 'org/name'`);
}
