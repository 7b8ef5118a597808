/** How the pipeline tells its caller what it is doing. The CLI draws it; a library user may pass silentReporter. */
export interface Progress {
  done: number;
  total: number;
  unit: 'bytes' | 'tensors' | 'nodes' | 'files';
}

export interface Reporter {
  /** A stage starts (convert, quantize, split, validate…). */
  stageStart(stage: string, detail?: string): void;
  stageProgress(stage: string, progress: Progress): void;
  stageEnd(stage: string, seconds: number): void;
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export const silentReporter: Reporter = {
  stageStart() {},
  stageProgress() {},
  stageEnd() {},
  info() {},
  warn() {},
  debug() {},
};
