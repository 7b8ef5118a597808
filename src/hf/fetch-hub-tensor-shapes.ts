/** Tensor shapes of a hub checkpoint from its safetensors headers alone (HTTP range requests, a few KB). */
import { parseSafetensorsMetadata } from '@huggingface/hub';
import type { TensorShapes } from '../arch/types.ts';
import type { HubClient } from './hub-client.ts';

export async function fetchHubTensorShapes(client: HubClient, repo: string, commit: string, weightsFile: string): Promise<TensorShapes> {
  const parsed = await parseSafetensorsMetadata({ ...client, repo, revision: commit, path: weightsFile });
  const headers = parsed.sharded ? Object.values(parsed.headers) : [parsed.header];
  const shapes = new Map<string, number[]>();
  for (const header of headers) {
    for (const [name, entry] of Object.entries(header)) {
      if (name !== '__metadata__') shapes.set(name, (entry as { shape: number[] }).shape);
    }
  }
  return shapes;
}
