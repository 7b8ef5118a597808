/**
 * ONNX Runtime's optimized-model output drops node metadata_props, and a fused node is named after the node it
 * grew from plus a suffix ("…/MatMul/MatMulScaleFusion/"). The splitter reads both the name and the "module"
 * metadata entry, so each optimized node gets back the metadata of the original node with its name, or else of
 * the original node whose name is the longest "/"-bounded prefix of its own.
 */
import type { ModelProto, NodeProto, StringStringEntryProto } from '../../onnx/types.ts';

export function restoreNodeMetadata(original: ModelProto, optimized: ModelProto): ModelProto {
  const byName = new Map<string, StringStringEntryProto[]>();
  for (const node of original.graph?.node ?? []) {
    if (node.name && node.metadata_props?.length) byName.set(node.name, node.metadata_props);
  }
  if (byName.size === 0 || !optimized.graph) return optimized;
  const node = (optimized.graph.node ?? []).map((n): NodeProto => {
    if (n.metadata_props?.length) return n;
    const metadata = metadataFor(n.name ?? '', byName);
    return metadata ? { ...n, metadata_props: metadata } : n;
  });
  return { ...optimized, graph: { ...optimized.graph, node } };
}

function metadataFor(name: string, byName: Map<string, StringStringEntryProto[]>): StringStringEntryProto[] | undefined {
  for (let prefix = name; prefix; prefix = prefix.slice(0, Math.max(0, prefix.lastIndexOf('/')))) {
    const found = byName.get(prefix);
    if (found) return found;
  }
  return undefined;
}
