/**
 * Decide, once, when a model is opened, whether its config.json can be converted: find its family in the
 * registry, apply the config class's defaults, refuse any math-changing field the family does not implement, and
 * describe the decoder. Runs on config.json alone, so a dry run or a cost table refuses before any download.
 */
import { OliveError } from '../errors.ts';
import type { HfConfig } from '../hf/config.ts';
import type { Architecture } from './architecture.ts';
import { refuseField, refuseUnimplementedFields } from './math-fields.ts';
import { modelDims, type ModelDims } from './model-dims.ts';
import { FAMILIES, partialRotaryFactor, type FamilyEntry } from './registry.ts';
import { ropeParameters, ropeSpec } from './rope-config.ts';

/** The norm that marks Gemma's sandwich layout (a norm on each block's output before its residual add). */
const POST_FEEDFORWARD_NORM = 'post_feedforward_layernorm';

/** transformers' default when config.json omits rms_norm_eps (Phi-3's class says 1e-5: its entry's defaults). */
const DEFAULT_RMS_NORM_EPS = 1e-6;

/** architectures[0] first, model_type when that is absent. */
export function familyOf(config: HfConfig): FamilyEntry {
  const className = config.architectures?.[0];
  const family = className !== undefined ? FAMILIES.find((f) => f.className === className) : FAMILIES.find((f) => f.arch === config.model_type);
  if (family) return family;
  const given = className ?? config.model_type ?? 'no architectures or model_type';
  const supported = FAMILIES.map((f) => `${f.className} (${f.arch})`).join(', ');
  throw new OliveError(`unsupported architecture '${given}': supported are ${supported}; for another, give an existing ONNX export (a .onnx file or a folder holding one)`);
}

function rotaryDimOf(config: HfConfig, headDim: number, family: FamilyEntry): number {
  if (headDim % 2 !== 0) throw new OliveError(`config.json: head_dim must be even (rotary turns channel pairs), got ${headDim}`);
  const factor = partialRotaryFactor(config);
  if (factor === 1) return headDim;
  if (!family.implements.includes('partial_rotary_factor')) refuseField('partial_rotary_factor', factor, `not implemented for ${family.arch}`);
  if (typeof factor !== 'number' || !(factor > 0 && factor <= 1)) refuseField('partial_rotary_factor', factor, 'must be in (0, 1]');
  // as transformers: int(head_dim * partial_rotary_factor), rotated channels in pairs
  const rotaryDim = Math.floor(headDim * factor);
  if (rotaryDim < 2 || rotaryDim % 2 !== 0) refuseField('partial_rotary_factor', factor, `gives ${rotaryDim} rotary channels of ${headDim}, not a positive even number`);
  return rotaryDim;
}

function requirePositiveInteger(field: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new OliveError(`config.json: ${field} must be a positive integer, got ${JSON.stringify(value)}`);
  return value as number;
}

/** A config with its family's defaults applied: what the module tree and every later reading start from. */
export interface FamilyConfig {
  family: FamilyEntry;
  config: HfConfig;
  dims: ModelDims;
}

/** The family and sizes of a config, without judging its math (cost tables of any config the family lays out). */
export function familyConfig(given: HfConfig): FamilyConfig {
  const family = familyOf(given);
  const config: HfConfig = { ...family.defaults, ...given };
  return { family, config, dims: modelDims(config, family.arch, family.biases(config)) };
}

/** The decoder a config describes, or an error naming the first thing in it that cannot be converted. */
export function openArchitecture(given: HfConfig): Architecture {
  const { family, config, dims } = familyConfig(given);
  refuseUnimplementedFields(config, family.arch, family.implements);
  const rotaryDim = rotaryDimOf(config, dims.headDim, family);
  const scaling = ropeParameters(config);
  const common: Architecture = {
    ...dims,
    className: family.className,
    rmsNormEps: config.rms_norm_eps ?? DEFAULT_RMS_NORM_EPS,
    maxPositions: requirePositiveInteger('max_position_embeddings', config.max_position_embeddings),
    rope: ropeSpec(config, scaling, scaling?.rope_theta ?? config.rope_theta, rotaryDim),
    localRope: undefined,
    rotaryDim,
    layerAttention: Array.from({ length: dims.layers }, () => ({ rotary: 'global', slidingWindow: undefined })),
    attentionScale: 1 / Math.sqrt(dims.headDim),
    fusedProjections: false,
    qkNorm: family.layout?.headNorms ?? false,
    normOffset: family.normOffset,
    sandwichNorms: family.layout?.layerNorms.includes(POST_FEEDFORWARD_NORM) ?? false,
    mlpActivation: 'silu',
    embeddingScale: 1,
    residualScale: 1,
    logitsDivisor: 1,
    finalLogitSoftcap: undefined,
  };
  return { ...common, ...family.flavour(config, common) };
}
