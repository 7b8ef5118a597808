/** The split model files of a split folder, in pipeline order, from its model_config.json (REFERENCE §4). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OliveError, ParseError } from '../errors.ts';
import { joinInside, plainComponent } from '../fs/safe-path.ts';
import type { SplitPlan } from '../plan/types.ts';
import { MODEL_CONFIG_FILE, SPLIT_PLAN_FILE } from '../layout/output-layout.ts';

export { MODEL_CONFIG_FILE, SPLIT_PLAN_FILE };

interface ModelConfigShape {
  config?: { model_components?: unknown };
}

export async function splitFilesOf(splitDir: string): Promise<string[]> {
  const file = path.join(splitDir, MODEL_CONFIG_FILE);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new OliveError(`split folder '${splitDir}' has no ${MODEL_CONFIG_FILE}`);
  });
  const components = (parseJson(file, text) as ModelConfigShape | null)?.config?.model_components;
  if (!Array.isArray(components) || components.length === 0) throw new ParseError(file, 'config.model_components is not a non-empty list');
  return components.map((component: { config?: { onnx_file_name?: unknown } } | null, i) => {
    const name = component?.config?.onnx_file_name;
    const field = `model_components[${i}].config.onnx_file_name`;
    try {
      // one plain name, and no symlink out of the folder
      return joinInside(splitDir, plainComponent(name, field), field);
    } catch (error) {
      throw new ParseError(file, `${field} is not a file name in the folder (${(error as Error).message})`);
    }
  });
}

/** A manifest's file name that stays inside its folder: no separator, not '.', '..' or empty. */
export function isPlainFileName(name: unknown): name is string {
  return typeof name === 'string' && !/[\\/]/.test(name) && name !== '..' && name !== '.' && name !== '' && !name.includes('\0');
}

/** The plan in split_plan.json when the folder has one made from a plan (not from an explicit node assignment). */
export async function splitPlanOf(splitDir: string): Promise<SplitPlan | undefined> {
  const file = path.join(splitDir, SPLIT_PLAN_FILE);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = parseJson(file, text) as { splits?: unknown } | null;
  return Array.isArray(parsed?.splits) ? (parsed as SplitPlan) : undefined;
}

export function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ParseError(file, `not valid JSON (${(error as Error).message})`);
  }
}
