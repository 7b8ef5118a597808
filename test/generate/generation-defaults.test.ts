/** Generation defaults from a model folder's configs: eos lists, context, sampling settings. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGenerationDefaults } from '../../src/generate/generation-defaults.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';

const tempDir = useTempDirs('generation-defaults');

describe('readGenerationDefaults', () => {
  it('takes eos ids (a list) and context from genai_config.json and sampling settings from generation_config.json', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'genai_config.json'), JSON.stringify({ model: { eos_token_id: [128001, 128009], context_length: 4096, vocab_size: 128256 }, search: { top_k: 1 } }));
    await writeFile(path.join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: 2, temperature: 0.6, top_p: 0.9, max_new_tokens: 40 }));
    expect(await readGenerationDefaults(dir)).toEqual({ eosTokenIds: [128001, 128009], contextLength: 4096, vocabSize: 128256, maxNewTokens: 40, temperature: 0.6, topK: 50, topP: 0.9 });
  });

  it('falls back to generation_config.json and config.json, then Hugging Face defaults', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: [2, 3] }));
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ max_position_embeddings: 128, vocab_size: 192, eos_token_id: 9 }));
    expect(await readGenerationDefaults(dir)).toMatchObject({ eosTokenIds: [2, 3], contextLength: 128, vocabSize: 192, temperature: 1, topK: 50, topP: 1 });
  });

  it('names a config that is not JSON', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'genai_config.json'), '{');
    await expect(readGenerationDefaults(dir)).rejects.toThrow(/genai_config\.json: not valid JSON/);
  });
});
