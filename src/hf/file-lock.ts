/**
 * A lock per cache file, so two runs sharing a hub cache never write one `.incomplete` at once: the lock file is
 * created with O_EXCL and holds the owner's pid; a lock whose process is gone is stale and taken over.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { OliveError } from '../errors.ts';
import { processAlive } from '../fs/process-alive.ts';
import { trackTemporary, untrackTemporary } from '../fs/temporaries.ts';

/** How often a waiting run looks again: short next to a download, long enough not to spin. */
export const LOCK_POLL_MS = 100;
/**
 * A live owner whose download shows no progress for this long is stuck (its own idle timeout is 30 s, so a
 * working one never stays still this long): the waiting run gives up, naming it. OLIVE_LOCK_STALL_MS overrides.
 */
export const LOCK_STALL_MS = 10 * 60 * 1000;

export interface LockWait {
  /** The file the lock's owner writes (its `.incomplete`): while it grows, the owner is working. */
  progressFile: string;
  stallMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
}

/** Whether the process that wrote the lock still runs (a lock from another host is taken to be live). */
function ownerAlive(owner: LockOwner | null): boolean {
  if (owner === null) return false;
  return owner.host !== hostname() || processAlive(owner.pid);
}

async function readOwner(lockFile: string): Promise<LockOwner | null> {
  const text = await readFile(lockFile, 'utf8').catch(() => null);
  if (text === null) return null;
  const [pid, host] = text.trim().split(' ');
  return Number.isSafeInteger(Number(pid)) && Number(pid) > 0 ? { pid: Number(pid), host: host ?? '' } : null;
}

/** Creates the lock; false when another live process holds it. A stale lock (owner gone) is removed and retaken. */
async function tryLock(lockFile: string): Promise<boolean> {
  try {
    await writeFile(lockFile, `${process.pid} ${hostname()}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = await readOwner(lockFile);
  // a lock just created may not have its pid written yet: only a readable dead pid is stale
  if (owner === null || ownerAlive(owner)) return false;
  await rm(lockFile, { force: true });
  return tryLock(lockFile);
}

/** Size and mtime of the owner's progress file, to tell a working owner from a stuck one. */
async function progressMark(file: string): Promise<string> {
  const stats = await stat(file).catch(() => null);
  return stats ? `${stats.size}:${stats.mtimeMs}` : 'none';
}

/**
 * Runs `work` holding `lockFile`; while another live process holds it, waits as long as that process makes
 * progress. The lock is removed on Ctrl-C too (tracked as a temporary).
 */
export async function withFileLock<T>(lockFile: string, work: () => Promise<T>, wait: LockWait): Promise<T> {
  const stallMs = wait.stallMs ?? (Number(process.env.OLIVE_LOCK_STALL_MS) || LOCK_STALL_MS);
  let mark = await progressMark(wait.progressFile);
  let still = Date.now();
  while (!(await tryLock(lockFile))) {
    const now = await progressMark(wait.progressFile);
    if (now !== mark) [mark, still] = [now, Date.now()];
    if (Date.now() - still > stallMs) {
      const owner = await readOwner(lockFile);
      throw new OliveError(
        `'${lockFile}' is held by process ${owner?.pid ?? '?'}, whose download made no progress for ${Math.round(stallMs / 1000)} s: stop it, or remove the lock if it is not running`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  trackTemporary(lockFile);
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
    untrackTemporary(lockFile);
  }
}
