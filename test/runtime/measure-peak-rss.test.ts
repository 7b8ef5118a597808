/**
 * A child's peak is its own: getrusage's maxRSS keeps the peak of the process it was forked from, so a parent
 * holding a large model made every split measure at least the parent's size (#12). The probe reads its own peak.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureChildMemory } from '../../src/runtime/measure-peak-rss.ts';
import { runtimeOverhead } from '../../src/runtime/measure-ort-overhead.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';
import { runOlive as olive } from '../cli/run-olive.ts';

const MB = 1_000_000;
const tempDir = useTempDirs('olive-peak-rss');

describe('measureChildMemory', () => {
  it('does not count the memory of the parent that spawned the child', async () => {
    const out = path.join(await tempDir(), 'out');
    const built = await olive(['auto-opt', '-m', path.resolve('fixtures/tiny-llama'), '-o', out]);
    expect(built.code, built.stderr).toBe(0);
    const ballast = Buffer.alloc(400 * MB).fill(1);
    const measured = await measureChildMemory(path.join(out, 'model.onnx'), 'cpu');
    expect(ballast[ballast.length - 1]).toBe(1);
    expect(measured.peakBytes).toBeLessThan(100 * MB);
    expect(measured.loadPeakBytes).toBeLessThanOrEqual(measured.peakBytes);
  });

  it("measures ONNX Runtime's fixed overhead once and then reads it from the temp folder cache, saying which", async () => {
    const cache = await tempDir();
    const first = await runtimeOverhead('CPUExecutionProvider', cache);
    expect(first.bytes).toBeGreaterThan(0);
    expect(first.source).toMatch(/^measured now on this machine from an empty session \(cached in .+\.json\)$/);
    const again = await runtimeOverhead('CPUExecutionProvider', cache);
    expect(again).toEqual({ bytes: first.bytes, source: expect.stringMatching(/^measured once on this machine from an empty session, cached in /) });
  });
});
