/**
 * Greedy generation through a split folder (or one model): a prefill of the prompt, then one token at a time
 * through the KV cache, each step running the splits in order. It is how a split model is used, and a check that
 * the cascade generates what the whole model generates.
 */
import { stat } from 'node:fs/promises';
import type * as ort from 'onnxruntime-node';
import { OliveError } from '../errors.ts';
import type { ExecutionProvider } from '../providers.ts';
import { decoderFeeds } from './decoder-feeds.ts';
import { halfBitsToNumber } from '../onnx/float-formats.ts';
import { openSession } from './open-session.ts';
import { runCascade } from './run-cascade.ts';
import { splitFilesOf } from './split-files.ts';

export interface GenerateOptions {
  /** A split folder (with model_config.json) or a single .onnx decoder. */
  model: string;
  promptIds: number[];
  maxNewTokens: number;
  /** Stop once this token is generated. */
  eosTokenId?: number;
  provider?: ExecutionProvider;
}

/** Inputs the generation loop provides; every other split input comes from an earlier split. */
const MANAGED_INPUT = /^(input_ids|attention_mask|position_ids|past_key_values\..+)$/;

/** The generated token ids (the prompt not included). */
export async function generateGreedy(options: GenerateOptions): Promise<number[]> {
  if (options.promptIds.length === 0) throw new OliveError('generateGreedy: promptIds is empty');
  const sessions = await openSessions(options.model, options.provider ?? 'CPUExecutionProvider');
  try {
    const managed = sessions.flatMap((session) => session.inputMetadata).filter((meta) => MANAGED_INPUT.test(meta.name));
    const generated: number[] = [];
    let step = { tokens: options.promptIds, pastLength: 0, previous: undefined as Record<string, ort.Tensor> | undefined };
    while (generated.length < options.maxNewTokens) {
      const outputs = await runCascade(sessions, decoderFeeds(managed, step));
      const next = lastTokenArgmax(outputs.logits);
      generated.push(next);
      if (next === options.eosTokenId) break;
      step = { tokens: [next], pastLength: step.pastLength + step.tokens.length, previous: outputs };
    }
    return generated;
  } finally {
    await Promise.all(sessions.map((session) => session.release()));
  }
}

async function openSessions(model: string, provider: ExecutionProvider): Promise<ort.InferenceSession[]> {
  const info = await stat(model).catch(() => {
    throw new OliveError(`model not found: ${model}`);
  });
  const files = info.isDirectory() ? await splitFilesOf(model) : [model];
  const sessions: ort.InferenceSession[] = [];
  for (const file of files) {
    const opened = await openSession(file, provider);
    if (!opened.ok) {
      await Promise.all(sessions.map((session) => session.release()));
      throw new OliveError(`cannot load ${file} on ${provider}: ${opened.error}`);
    }
    sessions.push(opened.session);
  }
  return sessions;
}

/** The most likely next token: argmax over the logits of the last position ([batch 1, sequence, vocab]). */
function lastTokenArgmax(logits: ort.Tensor | undefined): number {
  if (!logits) throw new OliveError('the model produced no logits output');
  const vocab = logits.dims[logits.dims.length - 1];
  const values = logits.data as Float32Array | Uint16Array;
  const row = logits.type === 'float16' ? float16Row(values as Uint16Array, vocab) : (values as Float32Array).subarray(values.length - vocab);
  let best = 0;
  for (let i = 1; i < vocab; i++) if (row[i] > row[best]) best = i;
  return best;
}

function float16Row(values: Uint16Array, vocab: number): Float32Array {
  return Float32Array.from(values.subarray(values.length - vocab), halfBitsToNumber);
}
