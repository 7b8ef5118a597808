/**
 * Transformers.js (@huggingface/transformers, on the same onnxruntime-node) as a client of unsplit outputs written
 * with --layout transformers.js: loaded with its defaults (`from_pretrained(folder, { dtype })`, no subfolder or
 * file names), its greedy tokens equal the project's own greedy loop's, for every fixture family at fp32 and int4;
 * prompts of different lengths batched by its text-generation pipeline (left-padded) give each row its own tokens.
 */
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env, pipeline, Tensor, type PreTrainedModel, type TextGenerationPipeline } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOlive } from '../cli/run-olive.ts';
import { useTempDirs } from '../helpers/temp-dirs.ts';
import { generateGreedy } from '../../src/runtime/generate-greedy.ts';

// never the hub: only the folders written here
env.allowRemoteModels = false;

const FAMILIES = ['tiny-llama', 'tiny-mistral', 'tiny-qwen2', 'tiny-phi3', 'tiny-phi4', 'tiny-qwen3', 'tiny-smollm3', 'tiny-granite', 'tiny-gemma3'];
const PRECISIONS = [
  { precision: 'int4', dtype: 'q4', file: 'model_q4.onnx' },
  { precision: 'fp32', dtype: 'fp32', file: 'model.onnx' },
] as const;
const PROMPTS = [[1, 17, 40, 33, 99, 7], [1, 5], [1, 120, 3, 64, 64, 11, 150, 21, 8]];
const NEW_TOKENS = 8;
/** Word-level fixture vocabulary (w3 … w191): three lengths, so two rows are padded. */
const BATCH_TEXTS = ['w17 w40 w33 w99 w7 w50 w60', 'w120 w3', 'w88 w21 w9'];

const CHAT_TEMPLATE = "<s>{% for message in messages %}{{ message.role }}: {{ message.content }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}";

const tempDir = useTempDirs('olive-tjs');
let work: string;
beforeAll(async () => {
  work = await tempDir();
});

async function writeOutput(family: string, precision: string, tag = ''): Promise<string> {
  const out = path.join(work, `${family}-${precision}${tag}`);
  const run = await runOlive(['auto-opt', '-m', path.resolve('fixtures', family), '--precision', precision, '--layout', 'transformers.js', '-o', out]);
  expect(run.code, run.stderr).toBe(0);
  return out;
}

async function eosOf(folder: string): Promise<number> {
  return (JSON.parse(await readFile(path.join(folder, 'generation_config.json'), 'utf8')) as { eos_token_id: number }).eos_token_id;
}

async function transformersJsGreedy(model: PreTrainedModel, prompt: number[]): Promise<number[]> {
  const inputIds = new Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]);
  const output = (await model.generate({ input_ids: inputIds, max_new_tokens: NEW_TOKENS, do_sample: false } as never)) as Tensor;
  return Array.from(output.data as BigInt64Array, Number).slice(prompt.length);
}

describe('Transformers.js loads --layout transformers.js outputs with its defaults', () => {
  for (const family of FAMILIES) {
    for (const { precision, dtype, file } of PRECISIONS) {
      it(`${family} ${precision}: dtype '${dtype}' finds onnx/${file} and generates our tokens`, async () => {
        const folder = await writeOutput(family, precision);
        expect((await readdir(path.join(folder, 'onnx'))).sort()).toEqual([file, `${file}_data`]);
        const genai = JSON.parse(await readFile(path.join(folder, 'genai_config.json'), 'utf8'));
        expect(genai.model.decoder.filename).toBe(`onnx/${file}`);
        const model = await AutoModelForCausalLM.from_pretrained(folder, { dtype });
        try {
          const eos = await eosOf(folder);
          for (const prompt of PROMPTS) {
            const ours = await generateGreedy({ model: path.join(folder, 'onnx', file), promptIds: prompt, maxNewTokens: NEW_TOKENS, eosTokenId: eos });
            expect(await transformersJsGreedy(model, prompt), `prompt ${prompt}`).toEqual(ours);
          }
        } finally {
          await model.dispose();
        }
      });
    }
  }

  for (const family of FAMILIES) {
    it(`${family}: a left-padded batch through the text-generation pipeline gives each prompt the tokens it gives alone`, async () => {
      const folder = await writeOutput(family, 'int4', '-batch');
      const generator = (await pipeline('text-generation', folder, { dtype: 'q4' })) as TextGenerationPipeline;
      try {
        const options = { max_new_tokens: NEW_TOKENS, do_sample: false, return_full_text: false };
        const alone = [];
        for (const text of BATCH_TEXTS) alone.push(await generator(text, options));
        expect(await generator(BATCH_TEXTS, options)).toEqual(alone);
      } finally {
        await generator.dispose();
      }
    });
  }

  it('int4 and fp16 outputs merged into one onnx/ folder each load their own weights', async () => {
    const int4 = await writeOutput('tiny-llama', 'int4', '-merged');
    const fp16 = await writeOutput('tiny-llama', 'fp16');
    const { copyFile } = await import('node:fs/promises');
    for (const name of ['model_fp16.onnx', 'model_fp16.onnx_data']) await copyFile(path.join(fp16, 'onnx', name), path.join(int4, 'onnx', name));
    const fp16Alone = await AutoModelForCausalLM.from_pretrained(fp16, { dtype: 'fp16' });
    const fp16Merged = await AutoModelForCausalLM.from_pretrained(int4, { dtype: 'fp16' });
    try {
      const ours = await generateGreedy({ model: path.join(fp16, 'onnx', 'model_fp16.onnx'), promptIds: PROMPTS[0], maxNewTokens: NEW_TOKENS, eosTokenId: await eosOf(fp16) });
      expect(await transformersJsGreedy(fp16Merged, PROMPTS[0])).toEqual(ours);
      expect(await transformersJsGreedy(fp16Alone, PROMPTS[0])).toEqual(ours);
    } finally {
      await fp16Alone.dispose();
      await fp16Merged.dispose();
    }
  });

  it('the tokenizer loads from the output folder, with the chat template the model shipped as chat_template.jinja', async () => {
    const source = path.join(work, 'qwen2-with-template');
    await cp(path.resolve('fixtures/tiny-qwen2'), source, { recursive: true });
    await writeFile(path.join(source, 'chat_template.jinja'), CHAT_TEMPLATE);
    const folder = path.join(work, 'qwen2-with-template-out');
    const run = await runOlive(['auto-opt', '-m', source, '--precision', 'int4', '--layout', 'transformers.js', '-o', folder]);
    expect(run.code, run.stderr).toBe(0);
    const tokenizerConfig = JSON.parse(await readFile(path.join(folder, 'tokenizer_config.json'), 'utf8'));
    expect(tokenizerConfig.chat_template).toBe(CHAT_TEMPLATE);
    const tokenizer = await AutoTokenizer.from_pretrained(folder);
    const text = tokenizer.apply_chat_template([{ role: 'user', content: 'w5 w6' }], { tokenize: false, add_generation_prompt: true });
    expect(text).toBe('<s>user: w5 w6\nassistant:');
  });
});
