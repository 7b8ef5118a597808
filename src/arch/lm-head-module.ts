import type { ModelDims } from './model-dims.ts';
import { linearModule, tiedLinearModule } from './module-spec.ts';
import type { ModuleSpec } from './types.ts';

export const LM_HEAD = 'lm_head';
export const EMBEDDING_WEIGHT = 'model.embed_tokens.weight';

/** lm_head: its own weight, or the embedding's when the config ties them. */
export function lmHeadModule(dims: ModelDims): ModuleSpec {
  return dims.tiedEmbeddings
    ? tiedLinearModule(LM_HEAD, EMBEDDING_WEIGHT, dims.hidden, dims.vocab)
    : linearModule(LM_HEAD, null, dims.hidden, dims.vocab, false);
}
