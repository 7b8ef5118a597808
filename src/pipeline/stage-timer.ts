import type { Reporter } from './reporter.ts';

export interface StageTiming {
  stage: string;
  seconds: number;
}

/** Runs named stages, reporting their start and end, and keeps their wall times for the summary. */
export class StageTimer {
  readonly timings: StageTiming[] = [];

  constructor(private readonly reporter: Reporter) {}

  async run<T>(stage: string, detail: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    this.reporter.stageStart(stage, detail);
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    this.timings.push({ stage, seconds });
    this.reporter.stageEnd(stage, seconds);
    return result;
  }
}
