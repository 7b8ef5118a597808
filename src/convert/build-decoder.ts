/**
 * Convert a local Hugging Face checkpoint into an ONNX decoder with external weights, genai_config.json and the
 * tokenizer files, streaming one tensor at a time from the safetensors into the data file. prepareDecoder stops
 * before the weights: the graph (weights attached as sources) and the side files, for a caller that writes the
 * weights straight into their final files (auto-opt's splits).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeModel } from '../onnx/write-model.ts';
import { reportWriteProgress } from '../onnx/write-progress.ts';
import { copyTokenizerFiles } from './copy-tokenizer.ts';
import { buildDecoderGraph, type DecoderGraph } from './decoder-graph.ts';
import { writeGenaiConfig } from './genai-config.ts';
import type { BuildOptions, BuildResult, DecoderGraphOptions } from './types.ts';
import { MODEL_FILE } from '../layout/output-layout.ts';

export const DEFAULT_MODEL_FILE = MODEL_FILE;

export interface PreparedDecoder {
  graph: DecoderGraph;
  /** The folder holding genai_config.json and the tokenizer files (no model file). */
  sideDir: string;
  genaiConfigPath: string;
  tokenizerFiles: string[];
}

/** The decoder graph with its weights unread, and genai_config.json plus the tokenizer files in `outDir`. */
export async function prepareDecoder(options: DecoderGraphOptions & { outDir: string; fileName?: string }): Promise<PreparedDecoder> {
  const graph = await buildDecoderGraph(options);
  await mkdir(options.outDir, { recursive: true });
  const genaiConfigPath = await writeGenaiConfig(options.outDir, {
    modelDir: options.modelDir,
    config: graph.config,
    spec: graph.spec,
    modelFileName: options.fileName ?? DEFAULT_MODEL_FILE,
    contextLength: graph.contextLength,
    provider: options.provider,
    attention: graph.attention,
  });
  return { graph, sideDir: options.outDir, genaiConfigPath, tokenizerFiles: await copyTokenizerFiles(options.modelDir, options.outDir) };
}

export async function buildDecoder(options: BuildOptions): Promise<BuildResult> {
  const fileName = options.fileName ?? DEFAULT_MODEL_FILE;
  const { graph, genaiConfigPath, tokenizerFiles } = await prepareDecoder({ ...options, fileName });
  const written = await writeModel(path.join(options.outDir, fileName), graph.model, {
    onTensorWritten: reportWriteProgress(graph.model, options.onProgress),
  });
  return {
    modelPath: written.modelPath,
    dataPath: written.dataPath,
    genaiConfigPath,
    tokenizerFiles,
    inputs: graph.inputs,
    outputs: graph.outputs,
    numLayers: graph.spec.layers,
    contextLength: graph.contextLength,
    architecture: graph.spec.className,
    precision: options.precision,
    provider: options.provider,
    weightBytes: written.externalBytes,
  };
}
