/**
 * The shipped tables in cost-models/: each is what the generator makes today from the config.json beside it, and
 * its parameter total matches the model's published count.
 *
 * Published counts are the "Model size" the Hugging Face hub shows for each repository (from its safetensors),
 * given to three significant figures, so the tolerance is half a unit in the last published digit. Olive's rule
 * counts a tied weight in every module holding it (model.embed_tokens and lm_head both show vocab × hidden), while
 * a published count counts the tensor once: the duplicate is subtracted before comparing.
 *
 * Qwen3-0.6B and Qwen3-1.7B are compared with their model cards' "Number of Parameters" and "(Non-Embedding)"
 * instead: their safetensors also store the tied lm_head, so the hub's figure counts it twice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeModules } from '../../src/arch/describe-modules.ts';
import { EMBEDDING_WEIGHT, LM_HEAD } from '../../src/arch/lm-head-module.ts';
import { checkCostTableMatchesModel } from '../../src/cost/check-cost-table.ts';
import { costTable } from '../../src/cost/cost-table.ts';
import { formatCostCsv } from '../../src/cost/format-cost-csv.ts';
import { parseCostCsv } from '../../src/cost/parse-cost-csv.ts';
import type { HfConfig } from '../../src/hf/config.ts';

const COST_MODELS = path.join(import.meta.dirname, '..', '..', 'cost-models');

interface PublishedCount {
  repo: string;
  /** Unique parameters, in billions, given to `digits` decimals. */
  billions: number;
  digits: number;
  /** Where the card also publishes the count without the embedding (Qwen3). */
  nonEmbedding?: { billions: number; digits: number };
}

/** Hub repository and the parameter count its page publishes. */
const PUBLISHED: Record<string, PublishedCount> = {
  'Llama-2-7B': { repo: 'meta-llama/Llama-2-7b-hf', billions: 6.74, digits: 2 },
  'Llama-2-13B': { repo: 'meta-llama/Llama-2-13b-hf', billions: 13.0, digits: 1 },
  'Llama-3.1-8B': { repo: 'meta-llama/Llama-3.1-8B', billions: 8.03, digits: 2 },
  'Llama-3.2-1B': { repo: 'meta-llama/Llama-3.2-1B', billions: 1.24, digits: 2 },
  'Llama-3.2-3B': { repo: 'meta-llama/Llama-3.2-3B', billions: 3.21, digits: 2 },
  'Mistral-7B-v0.3': { repo: 'mistralai/Mistral-7B-v0.3', billions: 7.25, digits: 2 },
  'Phi-3-mini-4k': { repo: 'microsoft/Phi-3-mini-4k-instruct', billions: 3.82, digits: 2 },
  'Phi-3-mini-128k': { repo: 'microsoft/Phi-3-mini-128k-instruct', billions: 3.82, digits: 2 },
  'Phi-3.5-mini': { repo: 'microsoft/Phi-3.5-mini-instruct', billions: 3.82, digits: 2 },
  'Phi-4-mini': { repo: 'microsoft/Phi-4-mini-instruct', billions: 3.84, digits: 2 },
  'Qwen2.5-0.5B': { repo: 'Qwen/Qwen2.5-0.5B', billions: 0.494, digits: 3 },
  'Qwen2.5-1.5B': { repo: 'Qwen/Qwen2.5-1.5B', billions: 1.54, digits: 2 },
  'Qwen2.5-3B': { repo: 'Qwen/Qwen2.5-3B', billions: 3.09, digits: 2 },
  'Qwen2.5-7B': { repo: 'Qwen/Qwen2.5-7B', billions: 7.62, digits: 2 },
  'SmolLM2-1.7B': { repo: 'HuggingFaceTB/SmolLM2-1.7B', billions: 1.71, digits: 2 },
  'Qwen3-0.6B': { repo: 'Qwen/Qwen3-0.6B', billions: 0.6, digits: 1, nonEmbedding: { billions: 0.44, digits: 2 } },
  'Qwen3-1.7B': { repo: 'Qwen/Qwen3-1.7B', billions: 1.7, digits: 1, nonEmbedding: { billions: 1.4, digits: 1 } },
  'Qwen3-4B': { repo: 'Qwen/Qwen3-4B', billions: 4.02, digits: 2, nonEmbedding: { billions: 3.6, digits: 1 } },
  'gemma-3-1b-it': { repo: 'google/gemma-3-1b-it', billions: 1.0, digits: 2 },
  'gemma-3-270m': { repo: 'google/gemma-3-270m', billions: 0.268, digits: 3 },
  'SmolLM3-3B': { repo: 'HuggingFaceTB/SmolLM3-3B', billions: 3.08, digits: 2 },
  'granite-3.3-2b-instruct': { repo: 'ibm-granite/granite-3.3-2b-instruct', billions: 2.53, digits: 2 },
};

function shippedConfig(name: string): HfConfig {
  return JSON.parse(readFileSync(path.join(COST_MODELS, name, 'config.json'), 'utf8')) as HfConfig;
}

function withinPublished(count: number, published: { billions: number; digits: number }): boolean {
  return Math.abs(count / 1e9 - published.billions) <= 0.5 * 10 ** -published.digits;
}

const shipped = readdirSync(COST_MODELS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('cost-models/', () => {
  it('ships exactly the expected models', () => {
    expect(shipped).toEqual(Object.keys(PUBLISHED).sort());
  });

  it.each(shipped)('%s: up to date, readable, and its total matches the published count', (name) => {
    const config = shippedConfig(name);
    const csvFile = path.join(COST_MODELS, `${name}.csv`);
    const text = readFileSync(csvFile, 'utf8');
    const modules = describeModules(config);
    expect(text).toBe(formatCostCsv(costTable(modules, 'fp16')));
    const rows = parseCostCsv(text, csvFile);
    checkCostTableMatchesModel(rows, modules, csvFile);

    const tableTotal = rows.reduce((sum, row) => sum + row.numParams, 0);
    const tiedHead = modules.find((m) => m.name === LM_HEAD && m.weights[0].name === EMBEDDING_WEIGHT);
    const uniqueParams = tableTotal - (tiedHead?.params ?? 0);
    const published = PUBLISHED[name];
    expect(withinPublished(uniqueParams, published), `${uniqueParams} unique parameters`).toBe(true);
    if (published.nonEmbedding) {
      const nonEmbedding = uniqueParams - rows.find((row) => row.module === 'model.embed_tokens')!.numParams;
      expect(withinPublished(nonEmbedding, published.nonEmbedding), `${nonEmbedding} non-embedding parameters`).toBe(true);
    }
    expect(rows.every((row) => row.numBytes === 2 * row.numParams)).toBe(true);
  });

  it('ships longrope configs whose factor lists have rotary_dim / 2 entries (partial rotary included)', () => {
    const longrope = shipped.map((name) => ({ name, config: shippedConfig(name) })).filter(({ config }) => config.rope_scaling?.type === 'longrope');
    expect(longrope.map(({ name }) => name)).toEqual(['Phi-3.5-mini', 'Phi-4-mini']);
    for (const { config } of longrope) {
      const headDim = config.head_dim ?? config.hidden_size / config.num_attention_heads;
      const rotaryDim = headDim * (config.partial_rotary_factor ?? 1);
      expect(config.rope_scaling!.long_factor).toHaveLength(rotaryDim / 2);
      expect(config.rope_scaling!.short_factor).toHaveLength(rotaryDim / 2);
    }
  });
});
