/** The model's own tokenizer: tokenizer.json (with tokenizer_config.json) beside it, through @huggingface/tokenizers. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { OliveError, ParseError } from '../errors.ts';
import { TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from '../layout/output-layout.ts';
import { readJsonBeside } from '../layout/read-json-beside.ts';

export interface ModelTokenizer {
  tokenizer: Tokenizer;
  /** tokenizer_config.json ({} when absent): special tokens, chat_template. */
  config: Record<string, unknown>;
}

export async function loadTokenizer(dir: string): Promise<ModelTokenizer> {
  const file = path.join(dir, TOKENIZER_FILE);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new OliveError(`no ${TOKENIZER_FILE} in '${dir}' to encode the prompt: give token ids with --prompt-ids`);
  });
  const config = (await readJsonBeside(dir, TOKENIZER_CONFIG_FILE)) ?? {};
  try {
    return { tokenizer: new Tokenizer(JSON.parse(text), config), config };
  } catch (error) {
    throw new ParseError(file, `not a tokenizer this runtime can load (${(error as Error).message})`);
  }
}
