/**
 * Write the tiny deterministic random-weight checkpoints under fixtures/ (`node bin/run-ts.js scripts/make-fixtures.ts`).
 * Tests call writeTinyCheckpoint() to make the same model with another storage dtype in a temporary folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeFloats } from '../src/onnx/float-formats.ts';
import { TINY_ARCHITECTURES, TINY_CONFIGS, type TinyArchitecture } from './fixtures/tiny-configs.ts';
import { tinyTensors } from './fixtures/tiny-tensors.ts';
import { tokenizerConfigJson, tokenizerJson } from './fixtures/tiny-tokenizer.ts';
import { writeSafetensors, type StorageDtype } from './fixtures/write-safetensors.ts';

export { TINY_ARCHITECTURES, TINY_CONFIGS, type TinyArchitecture } from './fixtures/tiny-configs.ts';

/** Committed fixtures are bf16, as most published checkpoints are, which also halves their size. */
export const FIXTURE_STORAGE: StorageDtype = 'BF16';

const TORCH_DTYPE: Record<StorageDtype, string> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * A chat template for tiny-llama (as chat_template.jinja, the file newer models ship), written in the fixture
 * tokenizer's own words: role markers w10-w12, end of turn w13, generation prompt w14.
 */
const CHAT_TEMPLATES: Partial<Record<TinyArchitecture, string>> = {
  llama:
    "{{ bos_token }}{% for message in messages %}{{ {'system': 'w10', 'user': 'w11', 'assistant': 'w12'}[message.role] }} {{ message.content }} w13 {% endfor %}{% if add_generation_prompt %}w14{% endif %}\n",
};

export interface TinyCheckpointOptions {
  storage?: StorageDtype;
  /** Fields merged over the architecture's config (tests use this to make refused variants). */
  configOverrides?: Record<string, unknown>;
}

export async function writeTinyCheckpoint(dir: string, arch: TinyArchitecture, options: TinyCheckpointOptions = {}): Promise<void> {
  const storage = options.storage ?? FIXTURE_STORAGE;
  const config: Record<string, any> = { ...TINY_CONFIGS[arch], torch_dtype: TORCH_DTYPE[storage], ...options.configOverrides };
  await mkdir(dir, { recursive: true });
  const plans = tinyTensors(config).map((t) => ({ name: t.name, shape: t.shape, dtype: storage, bytes: () => encodeFloats(t.values, storage) }));
  await writeSafetensors(path.join(dir, 'model.safetensors'), plans);
  await writeFile(path.join(dir, 'config.json'), json(config));
  const generation = { _from_model_config: true, bos_token_id: config.bos_token_id, eos_token_id: config.eos_token_id, transformers_version: config.transformers_version };
  await writeFile(path.join(dir, 'generation_config.json'), json(generation));
  await writeFile(path.join(dir, 'tokenizer.json'), json(tokenizerJson(config.vocab_size as number)));
  await writeFile(path.join(dir, 'tokenizer_config.json'), json(tokenizerConfigJson(config.max_position_embeddings as number)));
  const chatTemplate = CHAT_TEMPLATES[arch];
  if (chatTemplate) await writeFile(path.join(dir, 'chat_template.jinja'), chatTemplate);
}

export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function fixtureDir(arch: TinyArchitecture): string {
  return path.join(FIXTURES_DIR, `tiny-${arch}`);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2) as TinyArchitecture[];
  for (const arch of only.length > 0 ? only : TINY_ARCHITECTURES) {
    await writeTinyCheckpoint(fixtureDir(arch), arch);
    console.log(`wrote ${path.relative(process.cwd(), fixtureDir(arch))}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
