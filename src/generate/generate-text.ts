/**
 * `olive generate` as a library call: the prompt's ids (tokenizer, chat template), the model's defaults, then a
 * prefill and decode steps on the cascade runtime, each new token sampled (or argmax) and its text streamed.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { OliveError } from '../errors.ts';
import { TOKENIZER_FILE } from '../layout/output-layout.ts';
import { CascadeModel } from '../runtime/cascade/cascade-model.ts';
import { DecoderState } from '../runtime/cascade/decoder-state.ts';
import { lastLogits } from '../runtime/cascade/last-logits.ts';
import { logitsWidth } from '../runtime/decoder-feeds.ts';
import { resolveModelFiles } from '../runtime/cascade/model-files.ts';
import { readGenerationDefaults, type GenerationDefaults } from './generation-defaults.ts';
import { loadTokenizer, type ModelTokenizer } from './load-tokenizer.ts';
import { promptIds, requireInVocabulary } from './prompt-ids.ts';
import { sampleToken, type Sampling } from './sample-token.ts';
import { seededRandom } from './seeded-random.ts';
import { TextStream } from './text-stream.ts';
import { median } from './median.ts';
import type { GenerateTextOptions, GenerateTextResult, StopReason } from './types.ts';

/** New tokens when neither the caller nor generation_config.json says. */
export const DEFAULT_MAX_NEW_TOKENS = 128;
/** Seed of the sampling source when none is given, so that a run repeats unless asked otherwise. */
export const DEFAULT_SEED = 0;

export async function generateText(options: GenerateTextOptions): Promise<GenerateTextResult> {
  const files = await resolveModelFiles(options.model);
  const defaults = await readGenerationDefaults(files.dir);
  const tokenizer = options.promptIds && !existsSync(path.join(files.dir, TOKENIZER_FILE)) ? undefined : await loadTokenizer(files.dir);
  const prompt = await promptIds(options, files.dir, tokenizer);
  const loadStart = performance.now();
  const model = await CascadeModel.open(files, { provider: options.provider, memory: options.memory, maxMemoryBytes: options.maxMemoryBytes });
  try {
    const loadSeconds = (performance.now() - loadStart) / 1000;
    requireInVocabulary(prompt, logitsWidth(model.outputMetadata) ?? defaults.vocabSize);
    const budget = newTokenBudget(prompt.length, options, defaults);
    const run = await decode(model, prompt, budget, sampling(options, defaults), defaults.eosTokenIds, tokenizer, options.onText);
    return result(model, prompt, run, loadSeconds, tokenizer);
  } finally {
    await model.release();
  }
}

interface TokenBudget {
  tokens: number;
  /** Why generation ends when it uses the whole budget. */
  limit: StopReason;
}

function newTokenBudget(promptLength: number, options: GenerateTextOptions, defaults: GenerationDefaults): TokenBudget {
  const context = defaults.contextLength;
  if (context !== undefined && promptLength >= context) {
    throw new OliveError(`the prompt is ${promptLength} tokens, but the model's context is ${context} tokens: shorten it`);
  }
  const wanted = options.maxNewTokens ?? defaults.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS;
  const room = context === undefined ? wanted : context - promptLength;
  return wanted <= room ? { tokens: wanted, limit: 'max_new_tokens' } : { tokens: room, limit: 'context' };
}

function sampling(options: GenerateTextOptions, defaults: GenerationDefaults): Sampling {
  return {
    doSample: options.doSample ?? false,
    temperature: options.temperature ?? defaults.temperature,
    topK: options.topK ?? defaults.topK,
    topP: options.topP ?? defaults.topP,
    random: seededRandom(options.seed ?? DEFAULT_SEED),
  };
}

interface DecodeRun {
  ids: number[];
  stop: StopReason;
  prefillSeconds: number;
  stepSeconds: number[];
}

async function decode(
  model: CascadeModel,
  prompt: number[],
  budget: TokenBudget,
  choice: Sampling,
  eosTokenIds: number[],
  tokenizer: ModelTokenizer | undefined,
  onText: ((text: string) => void) | undefined,
): Promise<DecodeRun> {
  const state = new DecoderState(model);
  const stream = new TextStream((ids) => (tokenizer ? tokenizer.tokenizer.decode(ids, { skip_special_tokens: true }) : ids.map((id) => ` ${id}`).join('')));
  const ids: number[] = [];
  const seconds: number[] = [];
  let input = prompt;
  let stop: StopReason = budget.limit;
  while (ids.length < budget.tokens) {
    const start = performance.now();
    const next = sampleToken(lastLogits(await state.step(input)), choice);
    seconds.push((performance.now() - start) / 1000);
    ids.push(next);
    onText?.(stream.push(next));
    if (eosTokenIds.includes(next)) {
      stop = 'eos';
      break;
    }
    input = [next];
  }
  onText?.(stream.flush());
  return { ids, stop, prefillSeconds: seconds[0] ?? 0, stepSeconds: seconds.slice(1) };
}

function result(model: CascadeModel, prompt: number[], run: DecodeRun, loadSeconds: number, tokenizer: ModelTokenizer | undefined): GenerateTextResult {
  const decodeSeconds = run.stepSeconds.reduce((sum, s) => sum + s, 0);
  return {
    text: tokenizer ? tokenizer.tokenizer.decode(run.ids, { skip_special_tokens: true }) : null,
    token_ids: run.ids,
    prompt_token_ids: prompt,
    prompt_tokens: prompt.length,
    new_tokens: run.ids.length,
    stop_reason: run.stop,
    load_seconds: loadSeconds,
    prefill_tokens_per_s: run.prefillSeconds > 0 ? prompt.length / run.prefillSeconds : 0,
    decode_tokens_per_s: decodeSeconds > 0 ? run.stepSeconds.length / decodeSeconds : 0,
    decode_ms_per_token_median: run.stepSeconds.length > 0 ? 1000 * median(run.stepSeconds) : null,
    // resourceUsage().maxRSS is in kilobytes
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    memory_mode: model.memory,
    provider: model.provider,
    layout: model.source.layout,
    model_files: model.files.map((file) => path.basename(file)),
  };
}
