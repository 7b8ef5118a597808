/**
 * safetensors files for tests: real headers, data either real bytes (small fixtures) or a sparse hole
 * (header, then ftruncate to the full size: a 26 GB checkpoint costs no disk).
 */
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface TensorDecl {
  name: string;
  shape: readonly number[];
}

/** Every test checkpoint is fp16: the dtype does not change shapes or cost tables. */
const FP16_BYTES = 2;
/** Headers are padded to 8 bytes, as the reference writer does, so the data section stays aligned. */
const HEADER_ALIGNMENT = 8;

export function safetensorsHeader(tensors: readonly TensorDecl[]): { header: Buffer; dataBytes: number } {
  const entries: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const tensor of tensors) {
    const length = tensor.shape.reduce((a, b) => a * b, 1) * FP16_BYTES;
    entries[tensor.name] = { dtype: 'F16', shape: tensor.shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  let json = JSON.stringify(entries);
  json += ' '.repeat((HEADER_ALIGNMENT - (json.length % HEADER_ALIGNMENT)) % HEADER_ALIGNMENT);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return { header: Buffer.concat([length, Buffer.from(json)]), dataBytes: offset };
}

/** The whole file in memory with zeroed data (only for small fixtures). */
export function safetensorsBytes(tensors: readonly TensorDecl[]): Buffer {
  const { header, dataBytes } = safetensorsHeader(tensors);
  return Buffer.concat([header, Buffer.alloc(dataBytes)]);
}

export async function writeSparseSafetensors(file: string, tensors: readonly TensorDecl[]): Promise<void> {
  const { header, dataBytes } = safetensorsHeader(tensors);
  const handle = await open(file, 'w');
  try {
    await handle.write(header, 0, header.length, 0);
    await handle.truncate(header.length + dataBytes);
  } finally {
    await handle.close();
  }
}

/** Shards named like transformers' (model-00001-of-00002.safetensors) plus model.safetensors.index.json. */
export async function writeSparseShards(dir: string, tensors: readonly TensorDecl[], shardCount: number): Promise<void> {
  const perShard = Math.ceil(tensors.length / shardCount);
  const weightMap: Record<string, string> = {};
  for (let shard = 0; shard < shardCount; shard++) {
    const name = `model-${String(shard + 1).padStart(5, '0')}-of-${String(shardCount).padStart(5, '0')}.safetensors`;
    const slice = tensors.slice(shard * perShard, (shard + 1) * perShard);
    for (const tensor of slice) weightMap[tensor.name] = name;
    await writeSparseSafetensors(path.join(dir, name), slice);
  }
  await writeFile(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
}
