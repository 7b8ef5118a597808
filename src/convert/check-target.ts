/** The requested precision and provider, checked against what the graph can run on. */
import { OliveError } from '../errors.ts';
import type { Architecture } from '../arch/architecture.ts';
import type { AttentionKind } from './build-context.ts';
import { FLOAT_PRECISIONS, type FloatPrecision } from '../precisions.ts';
import { EXECUTION_PROVIDERS, type ExecutionProvider } from '../providers.ts';
import { defaultAttention } from './types.ts';

/** ONNX Runtime 1.30's CPU GroupQueryAttention kernel rejects other head sizes at run time. */
export const CPU_HEAD_SIZE_MULTIPLE = 16;

/** GroupQueryAttention takes rotary_dim from its cos cache, whose width (rotary_dim / 2) must be a multiple of 8. */
export const GQA_ROTARY_DIM_MULTIPLE = 16;

export function checkTarget(spec: Architecture, precision: FloatPrecision, provider: ExecutionProvider, attention: AttentionKind | undefined): void {
  if (!FLOAT_PRECISIONS.includes(precision)) {
    throw new OliveError(`precision '${precision}' cannot be built directly: choose ${FLOAT_PRECISIONS.join(' or ')} (quantize afterwards for int4/int8)`);
  }
  if (!EXECUTION_PROVIDERS.includes(provider)) throw new OliveError(`provider '${provider}' is not supported by the builder: choose ${EXECUTION_PROVIDERS.join(' or ')}`);
  const groupQuery = (attention ?? defaultAttention(provider, precision)) === 'group-query';
  if (groupQuery && provider === 'CPUExecutionProvider' && spec.headDim % CPU_HEAD_SIZE_MULTIPLE !== 0) {
    throw new OliveError(`head_dim ${spec.headDim} is not a multiple of ${CPU_HEAD_SIZE_MULTIPLE}, which GroupQueryAttention on CPUExecutionProvider requires`);
  }
  if (groupQuery && spec.rotaryDim % GQA_ROTARY_DIM_MULTIPLE !== 0) {
    throw new OliveError(`the rotary dimension ${spec.rotaryDim} (partial_rotary_factor of head_dim ${spec.headDim}) is not a multiple of ${GQA_ROTARY_DIM_MULTIPLE}, which GroupQueryAttention requires`);
  }
}
