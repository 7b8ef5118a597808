import { describe, expect, it } from 'vitest';
import { createReporter, describeProgress } from '../../src/cli/reporter.ts';

function collect(isTty: boolean, logLevel = 3, json = false) {
  const err: string[] = [];
  const reporter = createReporter({ stdout: () => {}, stderr: (t) => void err.push(t) }, { logLevel, json, isTty });
  return { reporter, err };
}

describe('progress and messages', () => {
  it('describes done, total, rate and time left', () => {
    expect(describeProgress('convert', { done: 500_000_000, total: 2_000_000_000, unit: 'bytes' }, 10)).toBe(
      '[convert] 25% 500.00 MB / 2.00 GB (50.00 MB/s, 30 s left)',
    );
    expect(describeProgress('split', { done: 3, total: 4, unit: 'files' }, 3)).toBe('[split] 75% 3 / 4 files (1.0 files/s, 1 s left)');
  });

  it('redraws one line on a terminal', () => {
    const { reporter, err } = collect(true);
    reporter.stageStart('convert');
    reporter.stageProgress('convert', { done: 4, total: 4, unit: 'tensors' });
    expect(err.join('')).toContain('\r\x1b[2K[convert] 100% 4 / 4 tensors');
  });

  it('writes plain lines elsewhere, stages at INFO and below, nothing with --json', () => {
    const info = collect(false, 1);
    info.reporter.stageStart('plan', 'memory budget');
    info.reporter.stageProgress('plan', { done: 1, total: 1, unit: 'nodes' });
    expect(info.err[0]).toBe('[plan] memory budget\n');
    expect(info.err[1]).toMatch(/^\[plan\] 100% 1 \/ 1 nodes/);
    const quiet = collect(false, 3);
    quiet.reporter.stageStart('plan');
    quiet.reporter.info('hidden at ERROR level');
    expect(quiet.err).toEqual([]);
    const json = collect(true, 1, true);
    json.reporter.stageStart('plan');
    expect(json.err).toEqual([]);
  });

  it('warnings show from WARNING down, debug only at DEBUG', () => {
    const warning = collect(false, 2);
    warning.reporter.warn('careful');
    warning.reporter.debug('details');
    expect(warning.err).toEqual(['warning: careful\n']);
    const debug = collect(false, 0);
    debug.reporter.debug('details');
    expect(debug.err).toEqual(['debug: details\n']);
  });
});
