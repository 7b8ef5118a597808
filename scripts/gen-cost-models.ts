/**
 * Regenerate every shipped table: cost-models/<name>.csv (fp16) from cost-models/<name>/config.json, the model's
 * published config. Run with `npm run cost-models`.
 */
import { readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCostModel } from '../src/generate-cost-model/generate-cost-model.ts';

const COST_MODELS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cost-models');

async function main(): Promise<void> {
  const entries = await readdir(COST_MODELS_DIR, { withFileTypes: true });
  const models = entries.filter((entry) => entry.isDirectory() && existsSync(path.join(COST_MODELS_DIR, entry.name, 'config.json')));
  for (const model of models.sort((a, b) => a.name.localeCompare(b.name))) {
    const result = await generateCostModel({
      model: path.join(COST_MODELS_DIR, model.name),
      precision: 'fp16',
      outputPath: path.join(COST_MODELS_DIR, `${model.name}.csv`),
    });
    console.log(`${model.name}: ${result.rows.length} modules, ${result.totalBytes} bytes`);
  }
}

await main();
