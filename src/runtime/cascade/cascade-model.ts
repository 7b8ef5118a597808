/**
 * A model as a cascade of ONNX sessions, the one runtime the split stage's validation and generation share: opens
 * the files of a split folder, an unsplit folder or one .onnx, routes tensors between splits by name, and keeps
 * sessions open across calls. Memory modes: `resident` loads every split once; `low-memory` loads, runs and
 * releases each split at each run, so at most one session is alive; `max-memory` keeps the splits that fit in a
 * byte budget (by file size) resident and treats the others as low-memory does.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { OliveError } from '../../errors.ts';
import { dataFileName } from '../../layout/output-layout.ts';
import { openSession } from '../open-session.ts';
import { routeFeeds, type TensorPool } from '../run-cascade.ts';
import type { ExecutionProvider } from '../types.ts';
import { resolveModelFiles, type ModelFiles } from './model-files.ts';

export type MemoryMode = 'resident' | 'low-memory' | 'max-memory';

export interface CascadeOptions {
  provider?: ExecutionProvider;
  /** Default resident. */
  memory?: MemoryMode;
  /** For max-memory: the bytes of split files (model + external data) that may stay resident. */
  maxMemoryBytes?: number;
}

/** A split that cannot be loaded: names the file and the provider. */
export class SplitLoadError extends OliveError {
  constructor(
    readonly file: string,
    readonly provider: ExecutionProvider,
    readonly reason: string,
  ) {
    super(`cannot load '${path.basename(file)}' on ${provider}: ${reason}`);
    this.name = 'SplitLoadError';
  }
}

interface Split {
  file: string;
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  /** Open while the model is; undefined for a split loaded per run. */
  session: ort.InferenceSession | undefined;
}

export class CascadeModel {
  /** Most sessions alive at once so far (low-memory keeps this at 1). */
  peakLiveSessions = 0;
  private liveSessions = 0;

  private constructor(
    readonly source: ModelFiles,
    readonly provider: ExecutionProvider,
    readonly memory: MemoryMode,
    private readonly splits: Split[],
  ) {}

  /** Opens a model folder or .onnx file (see resolveModelFiles), or the given files in order. */
  static async open(model: string | ModelFiles, options: CascadeOptions = {}): Promise<CascadeModel> {
    const source = typeof model === 'string' ? await resolveModelFiles(model) : model;
    const memory = options.memory ?? 'resident';
    const resident = residentSplits(source.files, memory, options.maxMemoryBytes);
    const cascade = new CascadeModel(source, options.provider ?? 'CPUExecutionProvider', memory, []);
    try {
      for (const [index, file] of source.files.entries()) cascade.splits.push(await cascade.describeSplit(file, resident[index]));
    } catch (error) {
      await cascade.release();
      throw error;
    }
    return cascade;
  }

  get files(): string[] {
    return this.splits.map((split) => split.file);
  }

  /** Inputs no earlier split produces: what a caller must feed. */
  get inputMetadata(): ort.InferenceSession.ValueMetadata[] {
    const produced = new Set<string>();
    const inputs: ort.InferenceSession.ValueMetadata[] = [];
    for (const split of this.splits) {
      for (const meta of split.inputMetadata) if (!produced.has(meta.name) && !inputs.some((known) => known.name === meta.name)) inputs.push(meta);
      for (const name of split.outputNames) produced.add(name);
    }
    return inputs;
  }

  get outputMetadata(): ort.InferenceSession.ValueMetadata[] {
    return this.splits.flatMap((split) => split.outputMetadata);
  }

  /** Runs every split in order; returns the pool of the feeds and every split's outputs. */
  async run(feeds: TensorPool, onSplitFeeds?: (split: number, feeds: TensorPool) => void): Promise<TensorPool> {
    const pool: TensorPool = { ...feeds };
    for (const [index, split] of this.splits.entries()) {
      const splitFeeds = routeFeeds(index, split.inputNames, pool);
      onSplitFeeds?.(index, splitFeeds);
      Object.assign(pool, await this.runSplit(split, splitFeeds));
    }
    return pool;
  }

  async release(): Promise<void> {
    const open = this.splits.filter((split) => split.session);
    await Promise.all(open.map((split) => this.close(split.session!)));
    for (const split of open) split.session = undefined;
  }

  private async runSplit(split: Split, feeds: TensorPool): Promise<TensorPool> {
    if (split.session) return (await split.session.run(feeds)) as TensorPool;
    const session = await this.load(split.file);
    try {
      return (await session.run(feeds)) as TensorPool;
    } finally {
      await this.close(session);
    }
  }

  /** Loads a split once to learn its inputs and outputs; keeps the session when the split stays resident. */
  private async describeSplit(file: string, resident: boolean): Promise<Split> {
    const session = await this.load(file);
    const split: Split = {
      file,
      inputNames: [...session.inputNames],
      outputNames: [...session.outputNames],
      inputMetadata: [...session.inputMetadata],
      outputMetadata: [...session.outputMetadata],
      session: resident ? session : undefined,
    };
    if (!resident) await this.close(session);
    return split;
  }

  private async load(file: string): Promise<ort.InferenceSession> {
    const opened = await openSession(file, this.provider);
    if (!opened.ok) throw new SplitLoadError(file, this.provider, opened.error);
    this.liveSessions += 1;
    this.peakLiveSessions = Math.max(this.peakLiveSessions, this.liveSessions);
    return opened.session;
  }

  private async close(session: ort.InferenceSession): Promise<void> {
    this.liveSessions -= 1;
    await session.release();
  }
}

/** Which splits stay loaded: all (resident), none (low-memory), or those whose files fit the budget, in order. */
function residentSplits(files: string[], memory: MemoryMode, maxMemoryBytes: number | undefined): boolean[] {
  if (memory === 'resident') return files.map(() => true);
  if (memory === 'low-memory') return files.map(() => false);
  if (maxMemoryBytes === undefined) throw new OliveError('max-memory mode needs a byte budget (maxMemoryBytes)');
  let left = maxMemoryBytes;
  return files.map((file) => {
    const bytes = fileBytes(file) + fileBytes(path.join(path.dirname(file), dataFileName(path.basename(file))));
    if (bytes > left) return false;
    left -= bytes;
    return true;
  });
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
