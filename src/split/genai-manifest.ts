/**
 * genai_config.json for a split decoder (REFERENCE §5): model.type "decoder-pipeline" and one pipeline stage per
 * split, run in order, each listing the tensors it reads and writes by name. The source genai_config.json, when
 * one sits beside the input model, supplies every other field (token ids, head sizes, search options, the
 * decoder's session options, which each stage inherits).
 */

export interface PipelineStage {
  filename: string;
  inputs: string[];
  outputs: string[];
  run_on_prompt: boolean;
  run_on_token_gen: boolean;
  /** GenAI skips an lm-head stage on non-final prompt chunks; ours also carry KV outputs, so none is one. */
  is_lm_head: boolean;
  session_options?: unknown;
  /** -1: unload no other stage's session before this one runs. */
  reset_session_idx: number;
}

export interface StageSpec {
  name: string;
  inputs: string[];
  outputs: string[];
}

type Json = Record<string, unknown>;

export function pipelineGenaiConfig(stages: StageSpec[], sourceConfig: Json | undefined): Json {
  const model = asObject(sourceConfig?.model);
  const decoder = asObject(model.decoder);
  const { filename: _wholeModelFile, ...decoderRest } = decoder;
  const pipeline = stages.map((stage) => ({ [stage.name]: pipelineStage(stage, decoder.session_options) }));
  return {
    ...sourceConfig,
    model: { ...model, type: 'decoder-pipeline', decoder: { ...decoderRest, pipeline } },
  };
}

function pipelineStage(stage: StageSpec, sessionOptions: unknown): PipelineStage {
  return {
    filename: `${stage.name}.onnx`,
    inputs: stage.inputs,
    outputs: stage.outputs,
    run_on_prompt: true,
    run_on_token_gen: true,
    is_lm_head: false,
    ...(sessionOptions === undefined ? {} : { session_options: sessionOptions }),
    reset_session_idx: -1,
  };
}

function asObject(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}
