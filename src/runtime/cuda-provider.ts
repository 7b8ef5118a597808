/**
 * Whether onnxruntime-node's CUDA provider libraries are installed next to its binding. They are not bundled in
 * the npm package (README "CUDA"); asking ONNX Runtime for CUDA without them prints an error line of its own to
 * stderr that no session option silences, so look for the file first.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const CUDA_PROVIDER_LIBRARY: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'libonnxruntime_providers_cuda.so',
  win32: 'onnxruntime_providers_cuda.dll',
};

export function cudaProviderInstalled(): boolean {
  const library = CUDA_PROVIDER_LIBRARY[process.platform];
  if (!library) return false;
  const require = createRequire(import.meta.url);
  const binRoot = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin');
  if (!existsSync(binRoot)) return false;
  return readdirSync(binRoot).some((napi) => existsSync(path.join(binRoot, napi, process.platform, process.arch, library)));
}
