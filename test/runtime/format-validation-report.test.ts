/** The memory part of the validation report: each budget set against the quantity it holds, never another. */
import { describe, expect, it } from 'vitest';
import { formatValidationReport } from '../../src/runtime/format-validation-report.ts';
import type { SplitMemory, ValidationReport } from '../../src/runtime/types.ts';

const MB = 1_000_000;

function report(budgetCovers: 'weights' | 'runtime', budgetBytes: number, memory: SplitMemory[]): ValidationReport {
  return {
    splitDir: 'out', splitFiles: memory.map((split) => split.file), requestedProvider: 'CPUExecutionProvider', provider: 'CPUExecutionProvider',
    mode: 'decoder', steps: [], maxAbsDifference: 0, passed: true, memory, baselineRssBytes: 90 * MB, budgetBytes, budgetCovers,
    memoryRun: { tokens: 4096, description: "a prefill of 4096 tokens (the plan's context length of 131072 is over the 4096 measured)" },
    runtimeOverheadBytes: 27 * MB, runtimeOverheadSource: 'measured once on this machine from an empty session', checked: [], notChecked: [],
  };
}

const split = (file: string, peak: number, asLoaded: number, planned: number): SplitMemory => ({
  index: 0, file, peakRssBytes: peak, weightsAsLoadedBytes: asLoaded, estimateBytes: peak, estimateWeightsAsLoadedBytes: asLoaded * 1.25, plannedWeightBytes: planned,
});

describe('formatValidationReport memory table', () => {
  it('sets a budget of weights against the weights as loaded, not against the whole peak', () => {
    const text = formatValidationReport(report('weights', 60 * MB, [split('split_0.onnx', 400 * MB, 50 * MB, 45 * MB), split('split_1.onnx', 500 * MB, 90 * MB, 58 * MB)]));
    expect(text).toMatch(/split_0\.onnx\s+45\.00 MB\s+50\.00 MB\s+62\.50 MB\s+0\.80\s+within \(83%\)/);
    expect(text).toMatch(/split_1\.onnx\s+58\.00 MB\s+90\.00 MB\s+112\.50 MB\s+0\.80\s+OVER \(150%\)/);
    expect(text).not.toMatch(/667%|833%/);
    expect(text).toContain("a prefill of 4096 tokens (the plan's context length of 131072 is over the 4096 measured)");
    expect(text).toContain("ONNX Runtime's fixed overhead: 27.00 MB, measured once on this machine from an empty session");
  });

  it('rests a weights verdict on the plan when the load peak is within the RSS noise of an empty session', () => {
    const text = formatValidationReport(report('weights', 60_000, [split('split_0.onnx', 30 * MB, 3 * MB, 51_200)]));
    expect(text).toMatch(/split_0\.onnx\s+51\.20 KB\s+3\.00 MB\s+3\.75 MB\s+under RSS resolution\s+within \(85%\) by plan/);
    expect(text).not.toContain('OVER');
  });

  it('sets a runtime budget against the whole measured peak, with measured/estimate', () => {
    const memory = [{ ...split('split_0.onnx', 120 * MB, 50 * MB, 45 * MB), estimateBytes: 100 * MB }];
    const text = formatValidationReport(report('runtime', 100 * MB, memory));
    expect(text).toMatch(/split_0\.onnx\s+120\.00 MB\s+100\.00 MB\s+1\.20\s+OVER \(120%\)/);
  });
});
