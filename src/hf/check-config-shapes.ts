/**
 * config.json checked against the checkpoint it comes with, before any stage sizes an array or a loop from it:
 * `num_hidden_layers: 10000000` beside a 4-layer checkpoint ran a minute into an out-of-memory abort.
 */
import type { CheckpointShapes } from '../arch/types.ts';
import { OliveError } from '../errors.ts';
import type { HfConfig } from './config.ts';

const LAYER_TENSOR = /^model\.layers\.(\d+)\./;

/** The number of decoder layers the checkpoint's tensor names show (highest index + 1), or null when none do. */
function checkpointLayers(tensors: CheckpointShapes['tensors']): number | null {
  let highest = -1;
  for (const name of tensors.keys()) {
    const match = LAYER_TENSOR.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest < 0 ? null : highest + 1;
}

function requireShape(checkpoint: CheckpointShapes, tensor: string, expected: Array<[number, string]>): void {
  const shape = checkpoint.tensors.get(tensor);
  if (!shape) return;
  const wrong = expected.findIndex(([size], axis) => shape[axis] !== size);
  if (shape.length !== expected.length || wrong >= 0) {
    const wanted = expected.map(([size, field]) => `${field}=${size}`).join(', ');
    throw new OliveError(`config.json does not match the checkpoint of ${checkpoint.source}: '${tensor}' has shape [${shape}], config.json says [${wanted}]`);
  }
}

export function requireConfigMatchesCheckpoint(config: HfConfig, checkpoint: CheckpointShapes | null): void {
  if (checkpoint === null) return;
  const layers = checkpointLayers(checkpoint.tensors);
  if (layers !== null && layers !== config.num_hidden_layers) {
    throw new OliveError(
      `config.json does not match the checkpoint of ${checkpoint.source}: num_hidden_layers is ${config.num_hidden_layers}, the checkpoint has ${layers} layers`,
    );
  }
  const hidden: [number, string] = [config.hidden_size, 'hidden_size'];
  requireShape(checkpoint, 'model.embed_tokens.weight', [[config.vocab_size, 'vocab_size'], hidden]);
  requireShape(checkpoint, 'model.norm.weight', [hidden]);
  requireShape(checkpoint, 'model.layers.0.mlp.down_proj.weight', [hidden, [config.intermediate_size, 'intermediate_size']]);
}
