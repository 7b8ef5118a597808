/**
 * The layout of an output folder, in one place: what each file is called and what it holds. The converter, the
 * splitter, the pipeline's publisher, the runtime and `olive generate` all name files through this module.
 *
 * An unsplit output:   model.onnx + model.onnx.data, genai_config.json, tokenizer and config files.
 * A split output:      split_0.onnx + split_0.onnx.data …, model_config.json (Olive's CompositeModel),
 *                      genai_config.json (decoder-pipeline), split_plan.json, tokenizer and config files.
 */
import { SUPPORT_FILES } from '../hf/model-files.ts';

/** The single decoder of an unsplit output (ONNX Runtime GenAI's `decoder.filename`). */
export const MODEL_FILE = 'model.onnx';

/** Olive's CompositeModel manifest of a split output (REFERENCE §4). */
export const MODEL_CONFIG_FILE = 'model_config.json';

/** ONNX Runtime GenAI's configuration: a decoder, or a decoder-pipeline for a split output (REFERENCE §5). */
export const GENAI_CONFIG_FILE = 'genai_config.json';

/** The plan a split output was cut by. */
export const SPLIT_PLAN_FILE = 'split_plan.json';

/** Hugging Face files copied beside the model (tokenizer, config, generation config). */
export const CARRIED_FILES: readonly string[] = SUPPORT_FILES;

/** File stem of split `index`: split_0.onnx, split_0.onnx.data, pipeline stage "split_0". */
export const splitName = (index: number): string => `split_${index}`;

/** The ONNX file of split `index`. */
export const splitFileName = (index: number): string => `${splitName(index)}.onnx`;

/** The external data file written beside an ONNX model file (a file name, not a path). */
export const dataFileName = (modelFileName: string): string => `${modelFileName}.data`;
