/**
 * The JSON files of a split folder: model_config.json (Olive's CompositeModel), genai_config.json (a
 * decoder-pipeline built on the source's genai_config.json when one sits beside the model) and split_plan.json
 * (the plan, or the explicit node assignment as {"method": "assignment", "nodes": {…}}).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readJsonBeside } from '../layout/read-json-beside.ts';
import { pipelineGenaiConfig } from './genai-manifest.ts';
import { compositeModelConfig } from './olive-manifest.ts';
import { SPLIT_NAME, type SplitCut, type SplitTarget } from './types.ts';
import { GENAI_CONFIG_FILE, MODEL_CONFIG_FILE, SPLIT_PLAN_FILE } from '../layout/output-layout.ts';

export interface ManifestSources {
  /** Folder of the source model, where config.json and genai_config.json are looked for. */
  modelDir: string;
  /** model_attributes given by the caller; default: config.json beside the model, else {}. */
  modelAttributes: Record<string, unknown> | undefined;
}

export async function writeManifests(dir: string, cuts: SplitCut[], target: SplitTarget, sources: ManifestSources): Promise<void> {
  const names = cuts.map((cut) => SPLIT_NAME(cut.index));
  const attributes = sources.modelAttributes ?? (await readJsonBeside(sources.modelDir, 'config.json')) ?? {};
  const stages = cuts.map((cut) => ({ name: SPLIT_NAME(cut.index), inputs: cut.inputs, outputs: cut.outputs }));
  const genai = pipelineGenaiConfig(stages, await readJsonBeside(sources.modelDir, GENAI_CONFIG_FILE));
  const plan = target.kind === 'plan' ? target.plan : { method: 'assignment', nodes: target.nodes };
  await writeJson(path.join(dir, MODEL_CONFIG_FILE), compositeModelConfig(names, attributes));
  await writeJson(path.join(dir, GENAI_CONFIG_FILE), genai);
  await writeJson(path.join(dir, SPLIT_PLAN_FILE), plan);
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
