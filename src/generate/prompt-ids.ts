/** The prompt as token ids: given ids, text encoded by the model's tokenizer, or a rendered chat. */
import { OliveError } from '../errors.ts';
import { readChatTemplate, renderChat, type ChatMessage } from './chat-prompt.ts';
import type { ModelTokenizer } from './load-tokenizer.ts';
import type { GenerateTextOptions } from './types.ts';

export async function promptIds(options: GenerateTextOptions, dir: string, tokenizer: ModelTokenizer | undefined): Promise<number[]> {
  if (options.promptIds) return requireTokens(options.promptIds);
  if (options.prompt === undefined) throw new OliveError('give a prompt: text (--prompt) or token ids (--prompt-ids)');
  if (!tokenizer) throw new OliveError('a text prompt needs the model tokenizer');
  if (!options.chat) return requireTokens(tokenizer.tokenizer.encode(options.prompt).ids);
  const template = await readChatTemplate(dir, tokenizer.config);
  const messages: ChatMessage[] = [...(options.system ? [{ role: 'system' as const, content: options.system }] : []), { role: 'user', content: options.prompt }];
  // the template writes the special tokens (bos) itself
  return requireTokens(tokenizer.tokenizer.encode(renderChat(template, messages, tokenizer.config), { add_special_tokens: false }).ids);
}

function requireTokens(ids: number[]): number[] {
  if (ids.length === 0) throw new OliveError('the prompt is empty: it encodes to no tokens');
  return ids;
}

/** Every id must index the vocabulary (the logits' last dimension). */
export function requireInVocabulary(ids: number[], vocabSize: number | undefined): void {
  if (vocabSize === undefined) return;
  const outside = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (outside !== undefined) throw new OliveError(`token id ${outside} is outside the model's vocabulary (0 to ${vocabSize - 1})`);
}
