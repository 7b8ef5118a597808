/**
 * Draws pipeline progress on stderr: a redrawn line with rate and time left on a terminal, plain lines otherwise
 * (CI logs). Messages obey Olive's --log_level (0 DEBUG … 4 CRITICAL); stage lines show at INFO and below, and
 * progress always shows on a terminal unless --json asks for a quiet stdout/stderr.
 */
import type { Progress, Reporter } from '../pipeline/reporter.ts';
import type { CliIo } from './main.ts';
import { formatBytes } from '../format/bytes.ts';

/** Plain (non-terminal) progress lines at most this often, so CI logs stay readable. */
const PLAIN_PROGRESS_INTERVAL_MS = 5_000;
/** Redraw a terminal progress line at most this often. */
const TTY_REDRAW_INTERVAL_MS = 100;

export interface ReporterSettings {
  logLevel: number;
  json: boolean;
  isTty?: boolean;
}

export function createReporter(io: CliIo, settings: ReporterSettings): Reporter {
  const isTty = settings.isTty ?? Boolean(process.stderr.isTTY);
  const started = new Map<string, number>();
  const lastDrawn = new Map<string, number>();
  const showStages = !settings.json && (settings.logLevel <= 1 || isTty);
  const line = (text: string) => io.stderr(`${text}\n`);

  const drawProgress = (stage: string, progress: Progress) => {
    const now = Date.now();
    const interval = isTty ? TTY_REDRAW_INTERVAL_MS : PLAIN_PROGRESS_INTERVAL_MS;
    const finished = progress.done >= progress.total;
    if (!finished && now - (lastDrawn.get(stage) ?? 0) < interval) return;
    lastDrawn.set(stage, now);
    const text = describeProgress(stage, progress, (now - (started.get(stage) ?? now)) / 1000);
    if (isTty) io.stderr(`\r\x1b[2K${text}${finished ? '\n' : ''}`);
    else line(text);
  };

  return {
    stageStart(stage, detail) {
      started.set(stage, Date.now());
      if (showStages) line(`[${stage}] ${detail ?? 'started'}`);
    },
    stageProgress(stage, progress) {
      if (showStages) drawProgress(stage, progress);
    },
    stageEnd(stage, seconds) {
      if (showStages) line(`[${stage}] done in ${seconds.toFixed(1)} s`);
    },
    info(message) {
      if (!settings.json && settings.logLevel <= 1) line(message);
    },
    warn(message) {
      if (settings.logLevel <= 2) line(`warning: ${message}`);
    },
    debug(message) {
      if (settings.logLevel === 0) line(`debug: ${message}`);
    },
  };
}

export function describeProgress(stage: string, progress: Progress, elapsedSeconds: number): string {
  const { done, total, unit } = progress;
  const percent = total > 0 ? Math.min(100, (done / total) * 100) : 100;
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const left = rate > 0 ? (total - done) / rate : undefined;
  const amount = unit === 'bytes' ? `${formatBytes(done)} / ${formatBytes(total)}` : `${done} / ${total} ${unit}`;
  const speed = unit === 'bytes' ? `${formatBytes(rate)}/s` : `${rate.toFixed(1)} ${unit}/s`;
  const eta = left === undefined ? '' : `, ${left.toFixed(0)} s left`;
  return `[${stage}] ${percent.toFixed(0)}% ${amount} (${speed}${eta})`;
}
