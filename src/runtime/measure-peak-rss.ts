/**
 * Peak memory of one model, measured in a fresh child process so that nothing the parent holds counts: the
 * child's peak RSS while loading the model and running it once, minus its RSS just before loading (Node, tsx and
 * ONNX Runtime themselves).
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type * as ort from 'onnxruntime-node';
import { OliveError } from '../errors.ts';
import { makeRunFolder, removeStaleRunFolders } from '../fs/run-folders.ts';
import { untrackTemporary } from '../fs/temporaries.ts';
import { writeTensorFile } from './tensor-file.ts';
import { nodeScriptArgs, siblingModule } from '../runnable-module.ts';

const run = promisify(execFile);
const PROBE = nodeScriptArgs(siblingModule('./rss-probe', import.meta.url));
/** A probe that takes longer than this is stuck (a model that fits in memory loads and runs once in minutes). */
export const PROBE_TIMEOUT_MS = 10 * 60 * 1000;
const RSS_FOLDER_PREFIX = 'olive-rss-';

export interface ChildMemory {
  /** RSS of the child with ONNX Runtime loaded, before the model. */
  baselineBytes: number;
  /** Peak RSS above that baseline once the session is created: the runtime's own allocations and the weights as loaded. */
  loadPeakBytes: number;
  /** Peak RSS above that baseline while loading the model and running it (when inputs are given). */
  peakBytes: number;
}

interface ProbeOutput {
  rssBeforeBytes: number;
  loadPeakRssBytes: number;
  peakRssBytes: number;
}

export async function measureChildMemory(modelPath: string, ortProvider: string, inputs?: Record<string, ort.Tensor>): Promise<ChildMemory> {
  // named by pid and removed on Ctrl-C; those of killed runs go at the next measurement
  await removeStaleRunFolders(os.tmpdir(), RSS_FOLDER_PREFIX);
  const dir = await makeRunFolder(os.tmpdir(), RSS_FOLDER_PREFIX);
  try {
    const inputsFile = inputs ? path.join(dir, 'inputs.tensors') : undefined;
    if (inputsFile) await writeTensorFile(inputsFile, inputs!);
    const probe = await runProbe([modelPath, ortProvider, ...(inputsFile ? [inputsFile] : [])]);
    const above = (bytes: number) => Math.max(0, bytes - probe.rssBeforeBytes);
    return { baselineBytes: probe.rssBeforeBytes, loadPeakBytes: above(probe.loadPeakRssBytes), peakBytes: above(probe.peakRssBytes) };
  } finally {
    await rm(dir, { recursive: true, force: true });
    untrackTemporary(dir);
  }
}

async function runProbe(args: string[]): Promise<ProbeOutput> {
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [...PROBE, ...args], { timeout: PROBE_TIMEOUT_MS, maxBuffer: 1024 * 1024 }));
  } catch (error) {
    const detail = String((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n').pop();
    throw new OliveError(`measuring the memory of '${path.basename(args[0])}' in a child process failed: ${detail}`);
  }
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as ProbeOutput;
}
