/** Chat templates: from tokenizer_config.json or chat_template.jinja, rendered with the special tokens. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChatTemplate, renderChat } from '../../src/generate/chat-prompt.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const tempDir = useTempDirs('chat-prompt');
const TEMPLATE = '{{ bos_token }}{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}';

describe('chat templates', () => {
  it('prefers tokenizer_config.json chat_template (or its default entry) over chat_template.jinja', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'chat_template.jinja'), 'from file');
    expect(await readChatTemplate(dir, { chat_template: TEMPLATE })).toBe(TEMPLATE);
    expect(await readChatTemplate(dir, { chat_template: [{ name: 'tool_use', template: 'x' }, { name: 'default', template: TEMPLATE }] })).toBe(TEMPLATE);
    expect(await readChatTemplate(dir, {})).toBe('from file');
  });

  it('renders messages with the tokenizer special tokens (strings or AddedToken objects)', () => {
    const text = renderChat(TEMPLATE, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], { bos_token: '<s>', eos_token: { content: '</s>' } });
    expect(text).toBe('<s><|system|>Be brief.</s><|user|>Hi</s><|assistant|>');
  });

  it('says a model has no template, and names a template that does not render', async () => {
    const dir = await tempDir();
    await expect(readChatTemplate(dir, {})).rejects.toThrow(/has no chat template \(no chat_template in tokenizer_config\.json, no chat_template\.jinja\)/);
    expect(() => renderChat('{{ raise_exception("no system role") }}', [], {})).toThrow(/chat template does not render/);
  });
});
