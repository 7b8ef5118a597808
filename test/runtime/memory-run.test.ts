/** What each split's memory is measured on (#12): the plan's context length, at most 4096 tokens, and said so. */
import { describe, expect, it } from 'vitest';
import { MAX_MEASURED_TOKENS, memoryRunFor } from '../../src/runtime/validate-split.ts';
import type { RunSchedule } from '../../src/runtime/run-steps.ts';
import { handPlan } from '../split/helpers/hand-plan.ts';

const decoder: RunSchedule = { kind: 'decoder', shape: { prefillTokens: 5, decodeSteps: 3 }, inputs: [], vocabulary: 100 };
const planFor = (context?: number) => ({ ...handPlan([['model.layers.0']], 1), ...(context === undefined ? {} : { context_length: context }) });

describe('memoryRunFor', () => {
  it('prefills the plan’s context length when it is at most 4096 tokens', () => {
    expect(memoryRunFor(planFor(2048), decoder)).toEqual({ tokens: 2048, description: "a prefill of 2048 tokens (the plan's context length)" });
    expect(memoryRunFor(planFor(4096), decoder).tokens).toBe(4096);
  });

  it('prefills 4096 tokens for a longer context, saying so', () => {
    expect(MAX_MEASURED_TOKENS).toBe(4096);
    expect(memoryRunFor(planFor(131072), decoder)).toEqual({
      tokens: 4096,
      description: "a prefill of 4096 tokens (the plan's context length of 131072 is over the 4096 measured)",
    });
  });

  it('stays with the checked prefill when the plan gives no length, and takes an explicit one', () => {
    expect(memoryRunFor(planFor(), decoder)).toEqual({ tokens: 5, description: 'a prefill of 5 tokens (the plan gives no context length)' });
    expect(memoryRunFor(planFor(2048), decoder, 64).tokens).toBe(64);
  });
});
