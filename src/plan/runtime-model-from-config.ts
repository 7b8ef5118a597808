/**
 * The runtime model of a Hugging Face config. The context length defaults to max_position_embeddings, which is
 * what ONNX Runtime GenAI's genai_config context_length (and so its shared KV buffer) is sized to.
 */
import { OliveError } from '../errors.ts';
import { headDim, kvHeads, type HfConfig } from '../hf/config.ts';
import type { IoPrecision } from '../precisions.ts';
import type { RuntimeModel } from './types.ts';

const IO_BYTES: Record<IoPrecision, number> = { fp32: 4, fp16: 2, bf16: 2 };

export function runtimeModelFromConfig(config: HfConfig, ioPrecision: IoPrecision, contextLength?: number): RuntimeModel {
  const context = contextLength ?? config.max_position_embeddings;
  if (context === undefined) {
    throw new OliveError('config.json has no max_position_embeddings: give the context length to plan for (--context-length)');
  }
  if (!Number.isSafeInteger(context) || context < 1) throw new OliveError(`the context length must be a whole number of tokens ≥ 1, got ${context}`);
  return {
    numLayers: config.num_hidden_layers,
    numKvHeads: kvHeads(config),
    numHeads: config.num_attention_heads,
    tiedEmbeddings: config.tie_word_embeddings === true,
    headDim: headDim(config),
    hiddenSize: config.hidden_size,
    intermediateSize: config.intermediate_size,
    vocabSize: config.vocab_size,
    contextLength: context,
    kvBytesPerElement: IO_BYTES[ioPrecision],
    activationBytesPerElement: IO_BYTES[ioPrecision],
  };
}
