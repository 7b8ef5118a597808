/** `olive generate-cost-model` as a library call: model → modules → Olive cost table written atomically. */
import { statSync } from 'node:fs';
import path from 'node:path';
import { OliveError } from '../errors.ts';
import { describeModules } from '../arch/describe-modules.ts';
import { openArchitecture } from '../arch/open-architecture.ts';
import { resolveModelSource } from '../hf/resolve-model-source.ts';
import { costTable } from '../cost/cost-table.ts';
import { totalBytes } from '../cost/total-bytes.ts';
import type { Precision } from '../precisions.ts';
import type { CostRow } from '../cost/types.ts';
import { writeCostCsv } from '../cost/write-cost-csv.ts';

export const COST_CSV_EXTENSION = '.csv';

export interface GenerateCostModelOptions {
  /** Local model folder or hub id. */
  model: string;
  precision: Precision;
  /** ".csv" is appended when missing, as Olive does. */
  outputPath: string;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

export interface GenerateCostModelResult {
  file: string;
  rows: CostRow[];
  totalBytes: number;
  /** Where the shapes came from: the safetensors headers, or config.json when the model has none. */
  shapesFrom: 'checkpoint' | 'config';
}

export async function generateCostModel(options: GenerateCostModelOptions): Promise<GenerateCostModelResult> {
  // a model that cannot be converted is refused from its config.json, before any header is fetched
  const source = await resolveModelSource(options.model, { weights: 'headers', env: options.env, fetch: options.fetch, checkConfig: openArchitecture });
  const modules = describeModules(source.config, source.checkpoint ?? undefined);
  const rows = costTable(modules, options.precision);
  const file = withCsvExtension(options.outputPath);
  await writeCostCsv(file, rows);
  return { file, rows, totalBytes: totalBytes(rows), shapesFrom: source.checkpoint ? 'checkpoint' : 'config' };
}

/** `-o dir/` (or an existing folder) would become the hidden file `dir/.csv`: a folder is refused. */
export function withCsvExtension(outputPath: string): string {
  if (/[\\/]$/.test(outputPath) || statSync(outputPath, { throwIfNoEntry: false })?.isDirectory()) {
    throw new OliveError(`output path '${outputPath}' is a folder: give a file name, e.g. '${path.join(outputPath, `cost-model${COST_CSV_EXTENSION}`)}'`);
  }
  return outputPath.endsWith(COST_CSV_EXTENSION) ? outputPath : `${outputPath}${COST_CSV_EXTENSION}`;
}
