/**
 * Hidden folders a run makes beside its output (work, staging) or in the temp folder carry the run's pid in their
 * name (`<prefix><pid>-XXXXXX`), so a later run can tell the leftovers of a killed run (pid gone) from the folders
 * of one still running, and remove them.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from './process-alive.ts';
import { trackTemporary } from './temporaries.ts';

/** A fresh folder `<parent>/<prefix><pid>-XXXXXX`, removed on Ctrl-C until untracked. */
export async function makeRunFolder(parent: string, prefix: string): Promise<string> {
  return trackTemporary(await mkdtemp(path.join(parent, `${prefix}${process.pid}-`)));
}

/** The pid in a run folder's name, or null when the name is not `<prefix><pid>-…`. */
export function runFolderPid(name: string, prefix: string): number | null {
  if (!name.startsWith(prefix)) return null;
  const match = /^(\d+)-/.exec(name.slice(prefix.length));
  return match ? Number(match[1]) : null;
}

/** Names in `parent` of run folders with `prefix` whose run is gone. */
export async function staleRunFolders(parent: string, prefix: string): Promise<string[]> {
  const names = await readdir(parent).catch(() => [] as string[]);
  return names.filter((name) => {
    const pid = runFolderPid(name, prefix);
    return pid !== null && pid !== process.pid && !processAlive(pid);
  });
}

/** Remove what killed runs left in `parent` under `prefix`; returns the names removed. */
export async function removeStaleRunFolders(parent: string, prefix: string): Promise<string[]> {
  const stale = await staleRunFolders(parent, prefix);
  for (const name of stale) await rm(path.join(parent, name), { recursive: true, force: true });
  return stale;
}
