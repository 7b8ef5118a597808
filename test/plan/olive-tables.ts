/** Olive's own cost tables (REFERENCE §2) and the sizes of their models, for parity tests. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CostRow } from '../../src/cost/types.ts';
import type { RuntimeModel } from '../../src/plan/types.ts';

// Olive's own output files (../shared/cost-models-olive), copied into the repo so CI's clone has them
const TABLES = path.join(import.meta.dirname, '..', 'olive-tables');

export type OliveModel = 'Phi-3.5-mini' | 'Phi-3-mini' | 'Llama-2-7B' | 'Llama-2-13B' | 'Llama-3.1-8B';

/** config.json sizes of each model, at a 4096-token context in fp16. */
export const RUNTIME_MODELS: Record<OliveModel, RuntimeModel> = {
  'Phi-3.5-mini': sizes(32, 32, 96, 3072, 8192, 32064),
  'Phi-3-mini': sizes(32, 32, 96, 3072, 8192, 32064),
  'Llama-2-7B': sizes(32, 32, 128, 4096, 11008, 32000),
  'Llama-2-13B': sizes(40, 40, 128, 5120, 13824, 32000),
  'Llama-3.1-8B': sizes(32, 8, 128, 4096, 14336, 128256),
};

function sizes(numLayers: number, numKvHeads: number, headDim: number, hiddenSize: number, intermediateSize: number, vocabSize: number): RuntimeModel {
  return { numLayers, numKvHeads, headDim, hiddenSize, intermediateSize, vocabSize, contextLength: 4096, kvBytesPerElement: 2, activationBytesPerElement: 2 };
}

/** A few lines of split(','): the tables have no quoting (src/cost's parser is tested on its own). */
export function readOliveTable(model: OliveModel): CostRow[] {
  const [header, ...lines] = readFileSync(`${TABLES}/${model}.csv`, 'utf8').trim().split('\n');
  if (header.trim() !== 'module,num_params,num_bytes,num_flops') throw new Error(`unexpected header in ${model}.csv`);
  return lines.map((line) => {
    const [module, numParams, numBytes, numFlops] = line.trim().split(',');
    return { module, numParams: Number(numParams), numBytes: Number(numBytes), numFlops: Number(numFlops) };
  });
}

/** The split a module lands in by split/'s rule: the longest listed prefix. */
export function splitOfModule(plan: { splits: { modules: string[] }[] }, module: string): number | undefined {
  let best: { split: number; length: number } | undefined;
  plan.splits.forEach((split, index) => {
    for (const entry of split.modules) {
      const matches = module === entry || module.startsWith(`${entry}.`);
      if (matches && (!best || entry.length > best.length)) best = { split: index, length: entry.length };
    }
  });
  return best?.split;
}
