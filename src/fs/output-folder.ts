/**
 * The output folder appears whole or not at all: everything is written into a hidden staging folder beside it and
 * renamed into place at the end. An existing output folder is never merged into; it is replaced only when the
 * caller forces it (Olive itself writes into an existing output folder, leaving stale files from earlier runs
 * beside the new ones — a split folder with stale split_N files would be a different model, so we refuse).
 * Every comparison is by real path (symlinks resolved): a link must not hide that -o holds the input.
 */
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { OliveError } from '../errors.ts';
import { makeRunFolder, removeStaleRunFolders, staleRunFolders } from './run-folders.ts';
import { isInside, realPath } from './safe-path.ts';
import { settleSwapSync, trackSwap, untrackSwap, untrackTemporary } from './temporaries.ts';

/** rwxr-xr-x, as mkdir gives under the usual umask. */
const OUTPUT_FOLDER_MODE = 0o755;

/** A folder --force must never remove, nor any folder holding it. */
export interface ProtectedFolder {
  path: string;
  /** What it is, for the error: "the Hugging Face cache". */
  what: string;
}

export async function requireReplaceable(outDir: string, force: boolean, protectedFolders: readonly ProtectedFolder[] = []): Promise<void> {
  const existing = await stat(outDir).catch(() => undefined);
  if (!existing) return;
  if (!existing.isDirectory()) throw new OliveError(`output path '${outDir}' exists and is not a folder`);
  if (!force) throw new OliveError(`output folder '${outDir}' already exists: pass force (--force) to replace it`);
  // `-o . --force` would delete everything in the folder the command runs from
  if (holds(outDir, process.cwd())) {
    throw new OliveError(`output folder '${outDir}' holds the current folder: replacing it would delete what is there; choose a new output folder`);
  }
  for (const folder of protectedFolders) {
    if (holds(outDir, folder.path) || holds(folder.path, outDir)) {
      throw new OliveError(`output folder '${outDir}' is or holds ${folder.what} '${folder.path}' (or lies inside it): replacing it would delete it; choose another output folder`);
    }
  }
}

/** Replacing a folder that holds the input model would delete the model being split (a link's target included). */
export function requireOutsideInput(outDir: string, modelPath: string): void {
  const folders = [path.dirname(path.resolve(modelPath)), path.dirname(realPath(modelPath))];
  if (folders.some((folder) => holds(outDir, folder))) {
    throw new OliveError(`output folder '${outDir}' holds the input model '${modelPath}': choose another output folder`);
  }
}

/** Whether `inner` is `folder` itself or somewhere below it, symlinks resolved on both sides. */
function holds(folder: string, inner: string): boolean {
  return isInside(realPath(inner), realPath(folder));
}

function stagingPrefix(outDir: string): string {
  return `.${path.basename(path.resolve(outDir))}.staging-`;
}

function retiredPrefix(outDir: string): string {
  return `.${path.basename(path.resolve(outDir))}.replaced-`;
}

/**
 * What killed runs left beside outDir: an earlier output set aside by an interrupted swap goes back in place when
 * the output is missing (else it is removed), staging folders are removed. Folders of live runs are left alone.
 */
export async function cleanUpAfterKilledRuns(outDir: string): Promise<string[]> {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  const retired = await staleRunFolders(parent, retiredPrefix(outDir));
  for (const name of retired) settleSwapSync(target, path.join(parent, name));
  return [...retired, ...(await removeStaleRunFolders(parent, stagingPrefix(outDir)))];
}

/** A fresh staging folder in the output's parent (same file system, so the final rename is atomic). */
export async function createStaging(outDir: string): Promise<string> {
  const parent = path.dirname(path.resolve(outDir));
  await mkdir(parent, { recursive: true });
  await cleanUpAfterKilledRuns(outDir);
  const staging = await makeRunFolder(parent, stagingPrefix(outDir));
  // mkdtemp makes the folder private (0700); the published output should be an ordinary folder
  await chmod(staging, OUTPUT_FOLDER_MODE);
  return staging;
}

/**
 * Move the finished staging folder to outDir. An existing folder (checked replaceable beforehand) is swapped: set
 * aside, the new one renamed in, then the old one removed; a failure or a signal between the renames puts the
 * old one back (temporaries.ts), a SIGKILL is settled by the next run (cleanUpAfterKilledRuns).
 */
export async function publishStaging(staging: string, outDir: string, force: boolean, protectedFolders: readonly ProtectedFolder[] = []): Promise<void> {
  await requireReplaceable(outDir, force, protectedFolders);
  const target = path.resolve(outDir);
  const previous = await stat(target).catch(() => undefined);
  if (!previous) {
    await rename(staging, target);
    untrackTemporary(staging);
    return;
  }
  const retired = path.join(path.dirname(target), `${retiredPrefix(outDir)}${process.pid}-${path.basename(staging).slice(-6)}`);
  trackSwap(target, retired);
  try {
    await rename(target, retired);
    await rename(staging, target);
    untrackTemporary(staging);
  } catch (error) {
    settleSwapSync(target, retired);
    untrackSwap(target);
    throw error;
  }
  await rm(retired, { recursive: true, force: true });
  untrackSwap(target);
}

/** Remove a staging folder that will not be published (the run failed). */
export async function discardStaging(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true });
  untrackTemporary(staging);
}
