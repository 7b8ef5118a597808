/**
 * Folders and files a run writes before publishing (staging, work, locks). On Ctrl-C the entry point removes them,
 * so an interrupted run leaves neither a half-written output (never in place until renamed) nor hidden leftovers
 * beside it. A publish in progress is finished or undone first, so the output is whole whatever the moment.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';

const live = new Set<string>();

/** Publishes under way: the output folder and where its earlier version waits until the new one is in place. */
const swaps = new Map<string, string>();

export function trackTemporary(folder: string): string {
  live.add(folder);
  return folder;
}

export function untrackTemporary(folder: string): void {
  live.delete(folder);
}

export function trackSwap(target: string, retired: string): void {
  swaps.set(target, retired);
}

export function untrackSwap(target: string): void {
  swaps.delete(target);
}

/**
 * An interrupted swap: with the new output not yet in place, the earlier one goes back; with it in place, the
 * earlier one is removed. Either way one whole output stays.
 */
export function settleSwapSync(target: string, retired: string): void {
  if (!existsSync(retired)) return;
  if (existsSync(target)) rmSync(retired, { recursive: true, force: true });
  else renameSync(retired, target);
}

/** Synchronous: runs from a signal handler, just before the process exits. */
export function removeTemporariesSync(): void {
  for (const [target, retired] of swaps) settleSwapSync(target, retired);
  swaps.clear();
  for (const folder of live) rmSync(folder, { recursive: true, force: true });
  live.clear();
}
