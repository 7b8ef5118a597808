/**
 * Greedy generation through a split folder, an unsplit folder or one model, on the cascade runtime: a prefill of
 * the prompt, then one token at a time through the KV cache. It is how a split model is used from the library, and
 * a check that the cascade generates what the whole model generates.
 */
import { OliveError } from '../errors.ts';
import type { ExecutionProvider } from '../providers.ts';
import { CascadeModel, type MemoryMode } from './cascade/cascade-model.ts';
import { DecoderState } from './cascade/decoder-state.ts';
import { argmax, lastLogits } from './cascade/last-logits.ts';

export interface GenerateOptions {
  /** A split folder (model_config.json), an unsplit output folder, or a single .onnx decoder. */
  model: string;
  promptIds: number[];
  maxNewTokens: number;
  /** Stop once this token is generated. */
  eosTokenId?: number;
  provider?: ExecutionProvider;
  memory?: MemoryMode;
}

/** The generated token ids (the prompt not included). */
export async function generateGreedy(options: GenerateOptions): Promise<number[]> {
  if (options.promptIds.length === 0) throw new OliveError('generateGreedy: promptIds is empty');
  const model = await CascadeModel.open(options.model, { provider: options.provider, memory: options.memory });
  try {
    const state = new DecoderState(model);
    const generated: number[] = [];
    let tokens = options.promptIds;
    while (generated.length < options.maxNewTokens) {
      const next = argmax(lastLogits(await state.step(tokens)));
      generated.push(next);
      if (next === options.eosTokenId) break;
      tokens = [next];
    }
    return generated;
  } finally {
    await model.release();
  }
}
