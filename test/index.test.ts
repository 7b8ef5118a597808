/**
 * The package's public API (src/index.ts): semver covers every name here, so adding or removing one is a decision
 * made in this list, not a side effect of an export * somewhere below.
 */
import { describe, expect, it } from 'vitest';
import * as library from '../src/index.ts';

const PUBLIC_VALUES = [
  'COST_CSV_HEADER', 'EXECUTION_PROVIDERS', 'FLOAT_PRECISIONS', 'GENAI_CONFIG_FILE', 'MODEL_CONFIG_FILE', 'MODEL_FILE',
  'OUTPUT_LAYOUTS', 'OUTPUT_PRECISIONS', 'OliveError', 'ParseError', 'SPLIT_PLAN_FILE', 'SUPPORTED_ARCHITECTURES',
  'SplitValidationError', 'UsageError', 'buildDecoder', 'checkCostTableMatchesModel', 'convertToFp16', 'costTable',
  'dataFileName', 'formatAutoOptSummary', 'formatCostCsv', 'formatPlanTable', 'formatValidationReport',
  'generateCostModel', 'generateGreedy', 'openArchitecture', 'optimizeOnnxModel', 'parseCostCsv', 'parseMemory', 'planEqualSplits',
  'planMemorySplits', 'planToJson', 'quantizeWeights', 'readConfig', 'readCostCsv', 'readModel', 'resolveModelSource',
  'resolveQuantizeOptions', 'runAutoOpt', 'runtimeModelFromConfig', 'silentReporter', 'splitFileName', 'splitModel',
  'unsplitModelFiles', 'validateSplit', 'version', 'WEIGHT_PRECISIONS', 'writeCostCsv', 'writeModel',
  // olive generate and its cascade runtime
  'CascadeModel', 'DEFAULT_MAX_NEW_TOKENS', 'DecoderState', 'SplitLoadError', 'formatGenerateStats', 'generateText', 'resolveModelFiles',
];

describe('the public API', () => {
  it('exports exactly the listed operations and constants', () => {
    expect(Object.keys(library).sort()).toEqual([...PUBLIC_VALUES].sort());
  });

  it('every operation is a function and the version is the package version', async () => {
    const { createRequire } = await import('node:module');
    const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
    expect(library.version).toBe(version);
    for (const name of ['runAutoOpt', 'planMemorySplits', 'splitModel', 'validateSplit', 'generateGreedy', 'generateText', 'readModel', 'writeModel', 'costTable']) {
      expect(typeof library[name as keyof typeof library], name).toBe('function');
    }
  });
});
