/**
 * The checkpoint must hold exactly the tensors of the family's module tree, with the shapes config.json implies
 * and a float dtype. A tensor no module holds (a q_norm, a bias) means the model computes something not built
 * here: refused. (A tied checkpoint may still carry its lm_head copy; that one is ignored.)
 */
import type { Architecture } from '../arch/architecture.ts';
import { isRecomputedBuffer, parameterTensors } from '../arch/parameter-tensors.ts';
import type { ModuleSpec } from '../arch/types.ts';
import { OliveError } from '../errors.ts';
import type { Checkpoint } from '../hf/checkpoint.ts';
import { LM_HEAD } from './weight-names.ts';

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16']);

/** Unused tensors listed in an error message, at most this many (a whole layer's worth is enough to see why). */
const MAX_LISTED_TENSORS = 5;

export function checkCheckpoint(checkpoint: Checkpoint, spec: Architecture, modules: readonly ModuleSpec[]): void {
  const expected = parameterTensors(modules);
  for (const [name, shape] of expected) {
    const tensor = checkpoint.tensors.get(name);
    if (!tensor) throw new OliveError(`checkpoint in ${checkpoint.dir} has no tensor '${name}' (needed by ${spec.className})`);
    if (tensor.shape.join() !== shape.join()) {
      throw new OliveError(`${tensor.file}: tensor '${name}' has shape [${tensor.shape}], config.json implies [${shape}]`);
    }
    if (!FLOAT_DTYPES.has(tensor.dtype)) throw new OliveError(`${tensor.file}: tensor '${name}' is ${tensor.dtype}; only F32, F16 and BF16 weights can be converted`);
  }
  const unused = [...checkpoint.tensors.keys()].filter((name) => !expected.has(name) && !isRecomputedBuffer(name) && !(spec.tiedEmbeddings && name === LM_HEAD));
  if (unused.length > 0) {
    const listed = unused.slice(0, MAX_LISTED_TENSORS).join(', ') + (unused.length > MAX_LISTED_TENSORS ? `, … (${unused.length} in all)` : '');
    throw new OliveError(`checkpoint in ${checkpoint.dir} has tensors a ${spec.className} graph does not use (${listed}): the model needs math not built here`);
  }
}
