/** Constructors for the leaf modules the architectures are built from. */
import type { ModuleKind, ModuleSpec, WeightSpec } from './types.ts';

export function paramCount(weights: readonly WeightSpec[]): number {
  return weights.reduce((sum, weight) => sum + weight.shape.reduce((product, dim) => product * dim, 1), 0);
}

function moduleSpec(name: string, kind: ModuleKind, layer: number | null, weights: WeightSpec[]): ModuleSpec {
  return { name, kind, layer, weights, params: paramCount(weights) };
}

export function linearModule(name: string, layer: number | null, inFeatures: number, outFeatures: number, bias: boolean): ModuleSpec {
  const weights = [{ name: `${name}.weight`, shape: [outFeatures, inFeatures] }];
  if (bias) weights.push({ name: `${name}.bias`, shape: [outFeatures] });
  return moduleSpec(name, 'linear', layer, weights);
}

/** A Linear whose weight is another module's tensor (a tied lm_head holds model.embed_tokens.weight). */
export function tiedLinearModule(name: string, tensorName: string, inFeatures: number, outFeatures: number): ModuleSpec {
  return moduleSpec(name, 'linear', null, [{ name: tensorName, shape: [outFeatures, inFeatures] }]);
}

export function embeddingModule(name: string, vocab: number, hidden: number): ModuleSpec {
  return moduleSpec(name, 'embedding', null, [{ name: `${name}.weight`, shape: [vocab, hidden] }]);
}

export function normModule(name: string, layer: number | null, size: number): ModuleSpec {
  return moduleSpec(name, 'norm', layer, [{ name: `${name}.weight`, shape: [size] }]);
}

export function parameterlessModule(name: string, kind: 'rotary' | 'dropout', layer: number | null): ModuleSpec {
  return moduleSpec(name, kind, layer, []);
}

export function activationModule(name: string, layer: number, activation: string): ModuleSpec {
  return { ...moduleSpec(name, 'activation', layer, []), activation };
}
