import { OliveError } from '../errors.ts';
import { LM_HEAD } from './lm-head-module.ts';
import { paramCount } from './module-spec.ts';
import { isRecomputedBuffer } from './parameter-tensors.ts';
import type { CheckpointShapes, ModuleSpec, WeightSpec } from './types.ts';

/** Unclaimed tensors listed in an error before "and N more": enough to recognise the module that is missing. */
const LISTED_UNCLAIMED_TENSORS = 3;


/**
 * Take each weight's shape from the checkpoint, refusing any disagreement with config.json: a tensor the config
 * implies but the checkpoint lacks, a different shape, or a checkpoint tensor no module accounts for.
 */
export function applyCheckpointShapes(modules: ModuleSpec[], checkpoint: CheckpointShapes, tiedEmbeddings: boolean): ModuleSpec[] {
  const claimed = new Set<string>();
  const result = modules.map((module) => {
    const weights = module.weights.map((weight) => checkpointWeight(weight, checkpoint));
    for (const weight of weights) claimed.add(weight.name);
    return { ...module, weights, params: paramCount(weights) };
  });
  // a tied checkpoint may still store lm_head.weight; transformers ignores it and so do we
  if (tiedEmbeddings) claimed.add(`${LM_HEAD}.weight`);
  rejectUnclaimedTensors(checkpoint, claimed);
  return result;
}

function checkpointWeight(expected: WeightSpec, checkpoint: CheckpointShapes): WeightSpec {
  const shape = checkpoint.tensors.get(expected.name);
  if (!shape) {
    throw new OliveError(`checkpoint ${checkpoint.source} has no tensor '${expected.name}' (config.json implies [${expected.shape}])`);
  }
  if (shape.length !== expected.shape.length || shape.some((dim, axis) => dim !== expected.shape[axis])) {
    const found = `tensor '${expected.name}' is [${shape}] in checkpoint ${checkpoint.source}`;
    throw new OliveError(`${found} but config.json implies [${expected.shape}]`);
  }
  return { name: expected.name, shape: [...shape] };
}

function rejectUnclaimedTensors(checkpoint: CheckpointShapes, claimed: ReadonlySet<string>): void {
  const unclaimed = [...checkpoint.tensors.keys()].filter(
    (name) => !claimed.has(name) && !isRecomputedBuffer(name),
  );
  if (unclaimed.length === 0) return;
  const listed = unclaimed.slice(0, LISTED_UNCLAIMED_TENSORS).map((name) => `'${name}'`).join(', ');
  const more = unclaimed.length > LISTED_UNCLAIMED_TENSORS ? ` and ${unclaimed.length - LISTED_UNCLAIMED_TENSORS} more` : '';
  throw new OliveError(`checkpoint ${checkpoint.source} has tensors that config.json does not describe: ${listed}${more}`);
}
