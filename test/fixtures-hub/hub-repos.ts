/** Small hub repositories for the loopback hub: real (zeroed) safetensors, tokenizer files, extras not to fetch. */
import { checkpointTensors, type FixtureConfig } from './checkpoint-tensors.ts';
import type { FakeFile, FakeRepo } from './fake-hub.ts';
import { safetensorsBytes, safetensorsHeader, type TensorDecl } from './safetensors-files.ts';

export const TINY_CONFIG: FixtureConfig & Record<string, unknown> = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  vocab_size: 128,
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  hidden_act: 'silu',
  tie_word_embeddings: false,
};

/** A repository whose files are all real bytes, so tests can compare what was downloaded. */
export interface BufferRepo {
  sha: string;
  files: Map<string, Buffer>;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

export function tinyRepo(sha: string): BufferRepo {
  return {
    sha,
    files: new Map([
      ['config.json', json(TINY_CONFIG)],
      ['model.safetensors', safetensorsBytes(checkpointTensors(TINY_CONFIG))],
      ['tokenizer.json', json({ version: '1.0', model: { type: 'BPE' } })],
      ['tokenizer_config.json', json({ model_max_length: 2048 })],
      ['generation_config.json', json({ bos_token_id: 1, eos_token_id: 2 })],
      ['README.md', Buffer.from('# tiny\n')],
      ['onnx/model.onnx', Buffer.alloc(4096)],
    ]),
  };
}

export function tinyShardedRepo(sha: string): BufferRepo {
  const tensors = checkpointTensors(TINY_CONFIG);
  const half = Math.ceil(tensors.length / 2);
  const shards = [tensors.slice(0, half), tensors.slice(half)];
  const names = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
  const weightMap = Object.fromEntries(shards.flatMap((shard, i) => shard.map((t) => [t.name, names[i]])));
  return {
    sha,
    files: new Map([
      ['config.json', json(TINY_CONFIG)],
      ['model.safetensors.index.json', json({ metadata: {}, weight_map: weightMap })],
      [names[0], safetensorsBytes(shards[0])],
      [names[1], safetensorsBytes(shards[1])],
    ]),
  };
}

export function configOnlyRepo(sha: string, config: Record<string, unknown>): BufferRepo {
  return { sha, files: new Map([['config.json', json(config)]]) };
}

/**
 * A full-size model repository whose safetensors are virtual (real header, zeros after it): what a hub serves for
 * a published model, without holding gigabytes. One file, or transformers-style shards with an index.
 */
export function virtualModelRepo(sha: string, config: FixtureConfig, shardCount: number): FakeRepo {
  const files = new Map<string, FakeFile>([['config.json', json(config)]]);
  const tensors = checkpointTensors(config);
  if (shardCount === 1) {
    files.set('model.safetensors', virtualSafetensors(tensors));
    return { sha, files };
  }
  const perShard = Math.ceil(tensors.length / shardCount);
  const weightMap: Record<string, string> = {};
  for (let shard = 0; shard < shardCount; shard++) {
    const name = `model-${String(shard + 1).padStart(5, '0')}-of-${String(shardCount).padStart(5, '0')}.safetensors`;
    const slice = tensors.slice(shard * perShard, (shard + 1) * perShard);
    for (const tensor of slice) weightMap[tensor.name] = name;
    files.set(name, virtualSafetensors(slice));
  }
  files.set('model.safetensors.index.json', json({ metadata: {}, weight_map: weightMap }));
  return { sha, files };
}

function virtualSafetensors(tensors: readonly TensorDecl[]): FakeFile {
  const { header, dataBytes } = safetensorsHeader(tensors);
  return { head: header, size: header.length + dataBytes };
}
