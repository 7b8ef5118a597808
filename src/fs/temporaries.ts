/**
 * Folders a run writes before publishing (staging, work). On Ctrl-C the entry point removes them, so an interrupted
 * run leaves neither a half-written output (never in place until renamed) nor hidden leftovers beside it.
 */
import { rmSync } from 'node:fs';

const live = new Set<string>();

export function trackTemporary(folder: string): string {
  live.add(folder);
  return folder;
}

export function untrackTemporary(folder: string): void {
  live.delete(folder);
}

/** Synchronous: runs from a signal handler, just before the process exits. */
export function removeTemporariesSync(): void {
  for (const folder of live) rmSync(folder, { recursive: true, force: true });
  live.clear();
}
