/**
 * Progress of a writeModel call in tensors and bytes against the bytes that will go to the data file, for the
 * stages that write big models (build, quantize) to report while they stream.
 */
import { getTensorSource, sourceLength } from './tensor-source.ts';
import type { ModelProto } from './types.ts';
import { DEFAULT_EXTERNAL_THRESHOLD_BYTES } from './write-model.ts';

export interface WriteProgress {
  tensors: number;
  bytes: number;
  totalBytes: number;
}

/** Bytes of the main graph's initializers that writeModel will stream to the external data file. */
export function externalWeightBytes(model: ModelProto, threshold = DEFAULT_EXTERNAL_THRESHOLD_BYTES): number {
  let total = 0;
  for (const tensor of model.graph?.initializer ?? []) {
    const source = getTensorSource(tensor);
    const length = source ? sourceLength(source) : 0;
    if (length >= threshold) total += length;
  }
  return total;
}

/** An onTensorWritten callback for writeModel that reports running totals to onProgress. */
export function reportWriteProgress(model: ModelProto, onProgress: ((progress: WriteProgress) => void) | undefined): (name: string, bytes: number) => void {
  const progress: WriteProgress = { tensors: 0, bytes: 0, totalBytes: externalWeightBytes(model) };
  return (_name, bytes) => {
    progress.tensors += 1;
    progress.bytes += bytes;
    onProgress?.({ ...progress });
  };
}
