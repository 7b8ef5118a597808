import { OliveError } from '../errors.ts';
import type { HfConfig } from '../hf/config.ts';
import type { ArchName } from './types.ts';

const ARCH_BY_CLASS: Record<string, ArchName> = {
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'mistral',
  Qwen2ForCausalLM: 'qwen2',
  Phi3ForCausalLM: 'phi3',
  Qwen3ForCausalLM: 'qwen3',
  Gemma3ForCausalLM: 'gemma3_text',
  SmolLM3ForCausalLM: 'smollm3',
  GraniteForCausalLM: 'granite',
};

const ARCH_BY_MODEL_TYPE: Record<string, ArchName> = {
  llama: 'llama',
  mistral: 'mistral',
  qwen2: 'qwen2',
  phi3: 'phi3',
  qwen3: 'qwen3',
  gemma3_text: 'gemma3_text',
  smollm3: 'smollm3',
  granite: 'granite',
};

/** The architecture family of a config: architectures[0] first, model_type when that is absent. */
export function resolveArchitecture(config: HfConfig): ArchName {
  const className = config.architectures?.[0];
  const arch = className !== undefined ? ARCH_BY_CLASS[className] : ARCH_BY_MODEL_TYPE[config.model_type ?? ''];
  if (arch) return arch;
  const given = className ?? config.model_type ?? 'no architectures or model_type';
  const supported = Object.entries(ARCH_BY_CLASS).map(([name, family]) => `${name} (${family})`).join(', ');
  throw new OliveError(`unsupported architecture '${given}': supported are ${supported}`);
}
