/**
 * The runtime model a plan is estimated with: the config's sizes, the target provider, and ONNX Runtime's fixed
 * overhead measured once per machine (runtime/measure-ort-overhead.ts). When the provider cannot run here (CUDA on
 * a CPU machine) the overhead is left out and the plan says so.
 */
import type { RuntimeModel } from '../plan/types.ts';
import type { ExecutionProvider } from '../providers.ts';
import { describeError } from '../fs/describe-error.ts';

export async function withRuntimeOverhead(model: RuntimeModel, provider: ExecutionProvider): Promise<RuntimeModel> {
  const { runtimeOverhead } = await import('../runtime/measure-ort-overhead.ts');
  try {
    const overhead = await runtimeOverhead(provider);
    return { ...model, provider, overheadBytes: overhead.bytes, overheadSource: overhead.source };
  } catch (error) {
    return { ...model, provider, overheadBytes: 0, overheadSource: `not measured (${describeError(error)}): left out of the estimate` };
  }
}
