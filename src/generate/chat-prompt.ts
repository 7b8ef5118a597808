/**
 * A chat prompt rendered with the model's chat template (Jinja, through @huggingface/jinja): `chat_template` in
 * tokenizer_config.json, or chat_template.jinja beside it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { OliveError } from '../errors.ts';
import { CHAT_TEMPLATE_FILE, TOKENIZER_CONFIG_FILE } from '../layout/output-layout.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export async function readChatTemplate(dir: string, tokenizerConfig: Record<string, unknown>): Promise<string> {
  const inConfig = configTemplate(tokenizerConfig.chat_template);
  if (inConfig) return inConfig;
  const fromFile = await readFile(path.join(dir, CHAT_TEMPLATE_FILE), 'utf8').catch(() => undefined);
  if (fromFile?.trim()) return fromFile;
  throw new OliveError(`--chat: the model in '${dir}' has no chat template (no chat_template in ${TOKENIZER_CONFIG_FILE}, no ${CHAT_TEMPLATE_FILE})`);
}

/** The template text; a list of named templates (some models ship several) gives its "default" one. */
function configTemplate(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value;
  if (!Array.isArray(value)) return undefined;
  const named = value.find((entry) => (entry as { name?: unknown })?.name === 'default') as { template?: unknown } | undefined;
  return typeof named?.template === 'string' ? named.template : undefined;
}

export function renderChat(template: string, messages: ChatMessage[], tokenizerConfig: Record<string, unknown>): string {
  try {
    return new Template(template).render({
      messages,
      add_generation_prompt: true,
      bos_token: tokenText(tokenizerConfig.bos_token),
      eos_token: tokenText(tokenizerConfig.eos_token),
    });
  } catch (error) {
    throw new OliveError(`--chat: the model's chat template does not render: ${(error as Error).message}`);
  }
}

/** Special tokens are a string or an AddedToken object ({content: "<s>", …}) in tokenizer_config.json. */
function tokenText(value: unknown): string {
  if (typeof value === 'string') return value;
  const content = (value as { content?: unknown } | null)?.content;
  return typeof content === 'string' ? content : '';
}
