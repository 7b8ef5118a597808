/**
 * Graph optimization through onnxruntime-node itself: a session created with optimizedModelFilePath writes the
 * graph it optimized. Only 'basic' and 'extended' are offered: 'layout' and 'all' bake one machine's CPU data
 * layouts (NCHWc) into the file. Initializers of at least `externalMinBytes` go to `<output>.data`, so a model
 * over 2 GB stays loadable (ORT only writes external data when asked through these session config entries).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { OliveError } from '../../errors.ts';
import { DEFAULT_EXTERNAL_THRESHOLD_BYTES } from '../../onnx/write-model.ts';

export type OrtOptimizationLevel = 'basic' | 'extended';

export interface OrtOptimizeOptions {
  /** Default 'extended'. */
  level?: OrtOptimizationLevel;
  /** Initializers at least this large are written to the data file; default as writeModel (1024). */
  externalMinBytes?: number;
}

export interface OrtOptimizeResult {
  modelPath: string;
  /** Absent when ORT wrote no external data. */
  dataPath: string | undefined;
  level: OrtOptimizationLevel;
  seconds: number;
}

export async function optimizeWithOrt(inputPath: string, outputPath: string, options: OrtOptimizeOptions = {}): Promise<OrtOptimizeResult> {
  const level = options.level ?? 'extended';
  if (level !== 'basic' && level !== 'extended') {
    throw new OliveError(`ORT optimization level '${String(level)}' is not offered: use 'basic' or 'extended' ('layout' and 'all' bake in CPU layouts)`);
  }
  if (path.resolve(inputPath) === path.resolve(outputPath)) throw new OliveError(`optimized model path ${outputPath} must differ from the input model`);
  const dataFileName = `${path.basename(outputPath)}.data`;
  const started = performance.now();
  const session = await createSession(inputPath, {
    graphOptimizationLevel: level,
    optimizedModelFilePath: outputPath,
    extra: {
      session: {
        optimized_model_external_initializers_file_name: dataFileName,
        optimized_model_external_initializers_min_size_in_bytes: String(options.externalMinBytes ?? DEFAULT_EXTERNAL_THRESHOLD_BYTES),
      },
    },
  });
  await session.release();
  const dataPath = path.join(path.dirname(outputPath), dataFileName);
  const hasData = await stat(dataPath).then((s) => s.size > 0, () => false);
  return { modelPath: outputPath, dataPath: hasData ? dataPath : undefined, level, seconds: (performance.now() - started) / 1000 };
}

async function createSession(modelPath: string, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(modelPath, options);
  } catch (error) {
    const detail = String((error as Error).message ?? error).split('\n')[0];
    throw new OliveError(`onnxruntime-node could not load ${modelPath} to optimize it: ${detail}`, { cause: error });
  }
}
