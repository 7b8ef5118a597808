/**
 * ONNX Runtime's optimized-model writer lists an initializer it moved into an If branch twice (once inline, once
 * in the external data file; seen on Phi-3's long-rope cache branches) and then refuses to load its own output:
 * "initializer name is not unique". Both copies hold the same values, so each graph keeps the first of each name.
 */
import type { ModelProto, TensorProto } from '../../onnx/types.ts';
import { modelGraphs } from '../../onnx/walk.ts';

export function dropDuplicateInitializers(model: ModelProto): ModelProto {
  for (const graph of modelGraphs(model)) {
    if (graph.initializer?.length) graph.initializer = firstOfEachName(graph.initializer);
  }
  return model;
}

function firstOfEachName(initializers: TensorProto[]): TensorProto[] {
  const seen = new Set<string>();
  return initializers.filter((tensor) => {
    const name = tensor.name ?? '';
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}
