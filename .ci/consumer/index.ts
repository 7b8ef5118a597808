// A Node program using the library's public API as its README shows: plan a split from a shipped cost table.
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  parseMemory, planMemorySplits, readConfig, readCostCsv, runtimeModelFromConfig, runAutoOpt, silentReporter, splitModel,
  validateSplit, generateGreedy, readModel, writeModel, OliveError, version,
  type AutoOptOptions, type AutoOptResult, type CostRow, type SplitPlan, type ValidationReport,
} from 'olive-node';

const packageRoot = path.dirname(createRequire(import.meta.url).resolve('olive-node/package.json'));
const modelDir = path.join(packageRoot, 'cost-models', 'Phi-3.5-mini');
const rows: CostRow[] = await readCostCsv(path.join(packageRoot, 'cost-models', 'Phi-3.5-mini.csv'));
const config = await readConfig(modelDir);
const runtime = runtimeModelFromConfig(config, 'fp16');
const plan: SplitPlan = planMemorySplits(rows, parseMemory('2GB'), { model: runtime });
console.log(`olive-node ${version}: ${plan.splits.length} splits`);

export type Used = [AutoOptOptions, AutoOptResult, ValidationReport, typeof runAutoOpt, typeof silentReporter, typeof splitModel,
  typeof validateSplit, typeof generateGreedy, typeof readModel, typeof writeModel, OliveError];
