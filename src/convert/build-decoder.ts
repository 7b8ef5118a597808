/**
 * Convert a local Hugging Face checkpoint into an ONNX decoder with external weights, genai_config.json and the
 * tokenizer files, streaming one tensor at a time from the safetensors into the data file.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeModel } from '../onnx/write-model.ts';
import { reportWriteProgress } from '../onnx/write-progress.ts';
import { copyTokenizerFiles } from './copy-tokenizer.ts';
import { buildDecoderGraph } from './decoder-graph.ts';
import { writeGenaiConfig } from './genai-config.ts';
import type { BuildOptions, BuildResult } from './types.ts';
import { MODEL_FILE } from '../layout/output-layout.ts';

export const DEFAULT_MODEL_FILE = MODEL_FILE;

export async function buildDecoder(options: BuildOptions): Promise<BuildResult> {
  const graph = await buildDecoderGraph(options);
  const fileName = options.fileName ?? DEFAULT_MODEL_FILE;
  await mkdir(options.outDir, { recursive: true });
  const written = await writeModel(path.join(options.outDir, fileName), graph.model, {
    onTensorWritten: reportWriteProgress(graph.model, options.onProgress),
  });
  const genaiConfigPath = await writeGenaiConfig(options.outDir, {
    modelDir: options.modelDir,
    config: graph.config,
    spec: graph.spec,
    modelFileName: fileName,
    contextLength: graph.contextLength,
    provider: options.provider,
    attention: graph.attention,
  });
  return {
    modelPath: written.modelPath,
    dataPath: written.dataPath,
    genaiConfigPath,
    tokenizerFiles: await copyTokenizerFiles(options.modelDir, options.outDir),
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
