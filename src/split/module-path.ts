/**
 * A node's Hugging Face module path: the builder's `module` metadata when present, else derived from the
 * torch-export node name (`/model/layers.3/self_attn/q_proj/MatMul` → `model.layers.3.self_attn.q_proj.MatMul`).
 */
import type { NodeProto } from '../onnx/types.ts';

export const MODULE_METADATA_KEY = 'module';

export function nodeModulePath(node: NodeProto): string | undefined {
  const fromMetadata = node.metadata_props?.find((entry) => entry.key === MODULE_METADATA_KEY)?.value;
  if (fromMetadata) return fromMetadata;
  const name = node.name ?? '';
  if (!name.startsWith('/')) return undefined;
  return name.slice(1).split('/').filter(Boolean).join('.');
}

/** The value of the longest dotted prefix of `modulePath` present in `splitOfModule`. */
export function longestPrefixMatch(modulePath: string, splitOfModule: Map<string, number>): number | undefined {
  const parts = modulePath.split('.');
  for (let length = parts.length; length > 0; length -= 1) {
    const split = splitOfModule.get(parts.slice(0, length).join('.'));
    if (split !== undefined) return split;
  }
  return undefined;
}
