/**
 * A lock per cache file, so two runs sharing a hub cache never write one `.incomplete` at once: the lock file is
 * created with O_EXCL and holds the owner's pid; a lock whose process is gone is stale and taken over.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { processAlive } from '../fs/process-alive.ts';
import { trackTemporary, untrackTemporary } from '../fs/temporaries.ts';

/** How often a waiting run looks again: short next to a download, long enough not to spin. */
export const LOCK_POLL_MS = 100;

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

/**
 * Runs `work` holding `lockFile`; while another process holds it, waits (telling `onWait` once). The lock is
 * removed on Ctrl-C too (tracked as a temporary).
 */
export async function withFileLock<T>(lockFile: string, work: () => Promise<T>, onWait?: (owner: number) => void): Promise<T> {
  let told = false;
  while (!(await tryLock(lockFile))) {
    if (!told) {
      told = true;
      const owner = await readOwner(lockFile);
      if (owner) onWait?.(owner.pid);
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
