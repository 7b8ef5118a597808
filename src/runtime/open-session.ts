/**
 * Open an ONNX Runtime session on the requested provider. When a CUDA-targeted model meets a machine without the
 * CUDA provider, the caller learns it (`fellBack`) and checks on CPU instead, as far as CPU kernels allow.
 */
import * as ort from 'onnxruntime-node';
import { cudaProviderInstalled } from './cuda-provider.ts';
import type { ExecutionProvider } from './types.ts';

/**
 * Each session has its own intra-op thread pool whose threads spin after a run by default: resident splits then
 * fight over the cores and a cascade decodes 2.4× slower than the whole model (REFERENCE §11). Without spinning
 * they match it.
 */
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { extra: { session: { intra_op: { allow_spinning: '0' } } } };

const ORT_PROVIDER: Record<ExecutionProvider, string> = { CPUExecutionProvider: 'cpu', CUDAExecutionProvider: 'cuda' };

export type OpenedSession =
  | { ok: true; session: ort.InferenceSession; provider: ExecutionProvider }
  | { ok: false; error: string };

export function ortProviderName(provider: ExecutionProvider): string {
  return ORT_PROVIDER[provider];
}

export async function openSession(modelPath: string, provider: ExecutionProvider): Promise<OpenedSession> {
  if (provider === 'CUDAExecutionProvider' && !cudaProviderInstalled()) {
    return { ok: false, error: "onnxruntime-node's CUDA provider libraries are not installed (README, section CUDA)" };
  }
  try {
    const session = await ort.InferenceSession.create(modelPath, { ...SESSION_OPTIONS, executionProviders: [ORT_PROVIDER[provider]] });
    return { ok: true, session, provider };
  } catch (error) {
    return { ok: false, error: String((error as Error).message ?? error).split('\n')[0] };
  }
}
