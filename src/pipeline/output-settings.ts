/**
 * Settings an unsplit output's files carry for its clients, written into the staging folder before it is
 * published: ONNX Runtime GenAI's decoder file name, Transformers.js's external data setting, and the chat template
 * inside tokenizer_config.json (the only place Transformers.js reads it from).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ParseError } from '../errors.ts';
import {
  CHAT_TEMPLATE_FILE, GENAI_CONFIG_FILE, TOKENIZER_CONFIG_FILE, TRANSFORMERS_JS_CONFIG_KEY, TRANSFORMERS_JS_SUBFOLDER,
  type UnsplitModelFiles,
} from '../layout/output-layout.ts';

type Json = Record<string, unknown>;

/** genai_config.json's decoder names the model by its path in the folder (onnx/model_q4.onnx in the Transformers.js layout). */
export async function pointGenaiConfigAt(folder: string, files: UnsplitModelFiles): Promise<void> {
  await updateJson(path.join(folder, GENAI_CONFIG_FILE), (config) => {
    const decoder = (config.model as Json | undefined)?.decoder as Json | undefined;
    if (decoder) decoder.filename = files.model;
  });
}

/**
 * config.json's transformers.js_config says which model file has external data, so that Transformers.js also
 * fetches `<file>_data` where it cannot read files by path (browsers); other files' entries (outputs of other
 * precisions merged into one onnx/ folder) are kept.
 */
export async function declareExternalData(folder: string, files: UnsplitModelFiles, hasData: boolean): Promise<void> {
  if (!hasData) return;
  const modelFile = path.posix.relative(TRANSFORMERS_JS_SUBFOLDER, files.model);
  await updateJson(path.join(folder, 'config.json'), (config) => {
    const settings = (config[TRANSFORMERS_JS_CONFIG_KEY] ?? {}) as Json;
    const declared = settings.use_external_data_format;
    const perFile = typeof declared === 'object' && declared !== null ? (declared as Json) : {};
    config[TRANSFORMERS_JS_CONFIG_KEY] = { ...settings, use_external_data_format: { ...perFile, [modelFile]: 1 } };
  });
}

/** A model that ships its chat template as chat_template.jinja gets it in tokenizer_config.json too (if that has none). */
export async function carryChatTemplate(folder: string): Promise<void> {
  const template = await readFile(path.join(folder, CHAT_TEMPLATE_FILE), 'utf8').catch(() => undefined);
  if (template === undefined) return;
  await updateJson(path.join(folder, TOKENIZER_CONFIG_FILE), (config) => {
    config.chat_template ??= template;
  });
}

/** Rewrite a JSON object file in place; a file that is not there is left so. */
async function updateJson(file: string, update: (value: Json) => void): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ParseError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ParseError(file, 'not a JSON object');
  update(value as Json);
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
