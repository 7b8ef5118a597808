/**
 * The output folder appears whole or not at all: everything is written into a hidden staging folder beside it and
 * renamed into place at the end. An existing output folder is never merged into; it is replaced only when the
 * caller forces it (Olive itself writes into an existing output folder, leaving stale files from earlier runs
 * beside the new ones — a split folder with stale split_N files would be a different model, so we refuse).
 */
import { chmod, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { OliveError } from '../errors.ts';
import { trackTemporary, untrackTemporary } from './temporaries.ts';

/** rwxr-xr-x, as mkdir gives under the usual umask. */
const OUTPUT_FOLDER_MODE = 0o755;

export async function requireReplaceable(outDir: string, force: boolean): Promise<void> {
  const existing = await stat(outDir).catch(() => undefined);
  if (!existing) return;
  if (!existing.isDirectory()) throw new OliveError(`output path '${outDir}' exists and is not a folder`);
  if (!force) throw new OliveError(`output folder '${outDir}' already exists: pass force (--force) to replace it`);
  // `-o . --force` would delete everything in the folder the command runs from
  if (holds(outDir, process.cwd())) {
    throw new OliveError(`output folder '${outDir}' holds the current folder: replacing it would delete what is there; choose a new output folder`);
  }
}

/** Replacing a folder that holds the input model would delete the model being split. */
export function requireOutsideInput(outDir: string, modelPath: string): void {
  if (holds(outDir, path.dirname(path.resolve(modelPath)))) {
    throw new OliveError(`output folder '${outDir}' holds the input model '${modelPath}': choose another output folder`);
  }
}

/** Whether `inner` is `folder` itself or somewhere below it. */
function holds(folder: string, inner: string): boolean {
  const outer = path.resolve(folder);
  const resolved = path.resolve(inner);
  return resolved === outer || resolved.startsWith(outer.endsWith(path.sep) ? outer : outer + path.sep);
}

/** A fresh staging folder in the output's parent (same file system, so the final rename is atomic). */
export async function createStaging(outDir: string): Promise<string> {
  const parent = path.dirname(path.resolve(outDir));
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(path.join(parent, `.${path.basename(outDir)}.staging-`));
  // mkdtemp makes the folder private (0700); the published output should be an ordinary folder
  await chmod(staging, OUTPUT_FOLDER_MODE);
  return trackTemporary(staging);
}

/** Move the finished staging folder to outDir, replacing an existing folder (checked replaceable beforehand). */
export async function publishStaging(staging: string, outDir: string, force: boolean): Promise<void> {
  await requireReplaceable(outDir, force);
  const target = path.resolve(outDir);
  const previous = await stat(target).catch(() => undefined);
  if (!previous) {
    await rename(staging, target);
    untrackTemporary(staging);
    return;
  }
  const retired = trackTemporary(`${staging}-replaced`);
  await rename(target, retired);
  await rename(staging, target);
  untrackTemporary(staging);
  await rm(retired, { recursive: true, force: true });
  untrackTemporary(retired);
}

/** Remove a staging folder that will not be published (the run failed). */
export async function discardStaging(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true });
  untrackTemporary(staging);
}
