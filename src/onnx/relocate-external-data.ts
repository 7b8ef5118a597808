/**
 * Point a model's external tensors at a renamed data file: the `location` of every tensor stored in `from` becomes
 * `to`; offsets and lengths stay, so the data file itself is only renamed, never rewritten. The .onnx file read
 * here holds the graph, not the weights (they are the external data), so it is small.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { decodeModel, encodeModel } from './proto.ts';
import { isExternal } from './external-data.ts';
import { allTensors } from './walk.ts';

/** Returns how many tensors now name `to`. */
export async function relocateExternalData(modelFile: string, from: string, to: string): Promise<number> {
  const model = decodeModel(await readFile(modelFile));
  let moved = 0;
  for (const tensor of allTensors(model)) {
    if (!isExternal(tensor)) continue;
    const location = tensor.external_data?.find((entry) => entry.key === 'location');
    if (location?.value !== from) continue;
    location.value = to;
    moved += 1;
  }
  await writeFile(modelFile, encodeModel(model));
  return moved;
}
