/**
 * Generation state over a cascade: a prefill of the prompt, then one-token decode steps. Between steps it keeps
 * only the KV cache (each layer's present.N.key/value, fed back as past_key_values.N.*), whichever split wrote it;
 * the hand-off tensors between splits live for one step.
 */
import type * as ort from 'onnxruntime-node';
import { OliveError } from '../../errors.ts';
import { decoderFeeds, PRESENT_PREFIX } from '../decoder-feeds.ts';
import type { TensorPool } from '../run-cascade.ts';
import type { CascadeModel } from './cascade-model.ts';

export class DecoderState {
  /** Tokens already in the KV cache. */
  pastLength = 0;
  private cache: TensorPool | undefined;

  constructor(private readonly model: CascadeModel) {}

  /** Runs `tokens` (the prompt, then one token a step) through every split; returns the logits. */
  async step(tokens: number[]): Promise<ort.Tensor> {
    if (tokens.length === 0) throw new OliveError('a generation step needs at least one token');
    const outputs = await this.model.run(decoderFeeds(this.model.inputMetadata, { tokens, pastLength: this.pastLength, previous: this.cache }));
    if (!outputs.logits) throw new OliveError('the model produced no logits output');
    this.cache = kvCache(outputs);
    this.pastLength += tokens.length;
    return outputs.logits;
  }
}

function kvCache(outputs: TensorPool): TensorPool {
  return Object.fromEntries(Object.entries(outputs).filter(([name]) => name.startsWith(PRESENT_PREFIX)));
}
