import { OliveError } from '../errors.ts';
import type { ModuleSpec } from '../arch/types.ts';
import type { CostRow } from './types.ts';

/** Module names quoted in a mismatch error before "and N more". */
const LISTED_MODULES = 3;

/**
 * A cost table must describe this model: the same modules in the same order with the same parameter counts
 * (a Llama-2-7B table has the names of a Llama-3.1-8B one, not its sizes).
 */
export function checkCostTableMatchesModel(rows: readonly CostRow[], modules: readonly ModuleSpec[], tableName = 'cost table'): void {
  const tableNames = new Set(rows.map((row) => row.module));
  const modelNames = new Set(modules.map((module) => module.name));
  const missing = modules.filter((module) => !tableNames.has(module.name)).map((module) => module.name);
  const unknown = rows.filter((row) => !modelNames.has(row.module)).map((row) => row.module);
  if (missing.length > 0 || unknown.length > 0) {
    const parts = [];
    if (missing.length > 0) parts.push(`no row for ${listNames(missing)}`);
    if (unknown.length > 0) parts.push(`rows for modules the model lacks: ${listNames(unknown)}`);
    throw new OliveError(`${tableName} does not match the model: ${parts.join('; ')}`);
  }
  modules.forEach((module, index) => {
    const row = rows[index];
    if (row.module !== module.name) {
      const found = `row ${index + 1} is '${row.module}'`;
      throw new OliveError(`${tableName} is not in the model's module order: ${found}, expected '${module.name}'`);
    }
    if (row.numParams !== module.params) {
      const found = `'${row.module}' has num_params ${row.numParams}`;
      throw new OliveError(`${tableName} does not match the model: ${found}, the model has ${module.params}`);
    }
  });
}

function listNames(names: string[]): string {
  const listed = names.slice(0, LISTED_MODULES).map((name) => `'${name}'`).join(', ');
  return names.length > LISTED_MODULES ? `${listed} and ${names.length - LISTED_MODULES} more` : listed;
}
