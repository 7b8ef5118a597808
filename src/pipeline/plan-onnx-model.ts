/**
 * Planning for an ONNX model given with -m (Olive refuses to split those; we do): the decoder layers are read off
 * the nodes' module paths (builder metadata or torch-export names), and a memory plan needs a cost table plus the
 * Hugging Face config.json beside the model for the runtime estimate.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readCostCsv } from '../cost/read-cost-csv.ts';
import { OliveError } from '../errors.ts';
import { CONFIG_LIMITS, readConfig } from '../hf/config.ts';
import { readModel } from '../onnx/read-model.ts';
import { layerOf } from '../plan/layer-of.ts';
import { planEqualSplits } from '../plan/plan-equal-splits.ts';
import { planMemorySplits } from '../plan/plan-memory-splits.ts';
import { runtimeModelFromConfig } from '../plan/runtime-model-from-config.ts';
import type { SplitPlan } from '../plan/types.ts';
import { nodeModulePath } from '../split/module-path.ts';
import { ioPrecision, memoryPlanOptions } from './make-plan.ts';
import type { AutoOptOptions } from './options.ts';
import { withRuntimeOverhead } from './runtime-for-plan.ts';

export async function planOnnxModel(modelPath: string, options: AutoOptOptions): Promise<SplitPlan | undefined> {
  const { split } = options;
  if (split.method === 'none') return undefined;
  const layers = await decoderLayers(modelPath);
  if (split.method === 'num-splits') return planEqualSplits(layers.count, split.numSplits, { layerStack: layers.stack });
  if (!split.costModel) {
    throw new OliveError('splitting an ONNX model by memory needs --cost-model (its weights per module cannot be read from the graph)');
  }
  const configDir = path.dirname(modelPath);
  if (!existsSync(path.join(configDir, 'config.json'))) {
    throw new OliveError(`splitting an ONNX model by memory needs the model's Hugging Face config.json beside it in ${configDir}`);
  }
  const config = await readConfig(configDir);
  const rows = await readCostCsv(split.costModel);
  const runtime = await withRuntimeOverhead(runtimeModelFromConfig(config, ioPrecision(options), options.contextLength), options.provider);
  return planMemorySplits(rows, split.memoryBytes, memoryPlanOptions(options, runtime));
}

async function decoderLayers(modelPath: string): Promise<{ stack: string; count: number }> {
  const { model } = await readModel(modelPath);
  const indices = new Map<string, Set<number>>();
  for (const node of model.graph?.node ?? []) {
    const modulePath = nodeModulePath(node);
    const layer = modulePath ? layerOf(modulePath) : null;
    if (!layer) continue;
    if (!indices.has(layer.stack)) indices.set(layer.stack, new Set());
    indices.get(layer.stack)!.add(layer.index);
  }
  const [stack, found] = [...indices.entries()].sort((a, b) => b[1].size - a[1].size)[0] ?? [];
  if (!stack || !found) {
    throw new OliveError(`${modelPath}: no decoder layers found in node names or module metadata (expected e.g. /model/layers.0/…)`);
  }
  return { stack, count: layerCount(modelPath, stack, found) };
}

/** Layers 0..N-1 each named by some node; a stray index (layer 9,999,999 in one node's name) would size arrays. */
function layerCount(modelPath: string, stack: string, found: Set<number>): number {
  let highest = -1;
  for (const index of found) highest = Math.max(highest, index);
  if (highest + 1 > CONFIG_LIMITS.num_hidden_layers) {
    throw new OliveError(`${modelPath}: a node names ${stack}.${highest}, beyond the limit of ${CONFIG_LIMITS.num_hidden_layers} layers: refused`);
  }
  if (found.size !== highest + 1) {
    throw new OliveError(`${modelPath}: nodes name ${found.size} layers of ${stack} but indices up to ${highest}: the layers must be numbered 0 to N-1`);
  }
  return found.size;
}
