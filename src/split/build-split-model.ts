/**
 * The ModelProto of one split: the source model's header (IR version, opsets, functions, metadata), the split's
 * nodes, its typed boundary values, and the very TensorProto objects of the initializers it reads, so that their
 * attached sources stream the weights from the original files when written.
 */
import type { ModelProto, SparseTensorProto, TensorProto, ValueInfoProto } from '../onnx/types.ts';
import type { GraphIndex } from './graph-index.ts';
import type { SplitCut } from './types.ts';

export function buildSplitModel(source: ModelProto, cut: SplitCut, index: GraphIndex, infos: Map<string, ValueInfoProto>): ModelProto {
  const graph = source.graph ?? {};
  const wanted = new Set(cut.initializers);
  const initializer: TensorProto[] = (graph.initializer ?? []).filter((tensor) => wanted.has(tensor.name ?? ''));
  const sparse: SparseTensorProto[] = (graph.sparse_initializer ?? []).filter((s) => wanted.has(s.values?.name ?? ''));
  const inside = new Set(cut.nodeIndices.flatMap((i) => index.nodes[i].output ?? []));
  const boundary = new Set([...cut.inputs, ...cut.outputs]);
  return {
    ...source,
    graph: {
      name: `${graph.name || 'graph'}_split_${cut.index}`,
      doc_string: graph.doc_string,
      node: cut.nodeIndices.map((i) => index.nodes[i]),
      initializer,
      sparse_initializer: sparse,
      input: cut.inputs.map((name) => infos.get(name) ?? { name }),
      output: cut.outputs.map((name) => infos.get(name) ?? { name }),
      value_info: (graph.value_info ?? []).filter((info) => inside.has(info.name ?? '') && !boundary.has(info.name ?? '')),
      metadata_props: graph.metadata_props,
    },
  };
}
