/** Small hub repositories for the loopback hub: real (zeroed) safetensors, tokenizer files, extras not to fetch. */
import { checkpointTensors, type FixtureConfig } from './checkpoint-tensors.ts';
import type { FakeRepo } from './fake-hub.ts';
import { safetensorsBytes } from './safetensors-files.ts';

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

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

export function tinyRepo(sha: string): FakeRepo {
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

export function tinyShardedRepo(sha: string): FakeRepo {
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

export function configOnlyRepo(sha: string, config: Record<string, unknown>): FakeRepo {
  return { sha, files: new Map([['config.json', json(config)]]) };
}
