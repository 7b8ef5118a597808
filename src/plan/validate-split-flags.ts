/**
 * Which plan the split flags ask for. As in Olive, --num-splits and --cost-model exclude each other and
 * --cost-model needs --memory (with Olive's own message). Beyond Olive, --memory alone plans by memory with costs
 * computed from the model itself; with --num-splits it is the device's memory and plans nothing, as in Olive.
 */
import { OliveError, UsageError } from '../errors.ts';
import { parseMemory } from './parse-memory.ts';

export interface SplitFlags {
  numSplits?: number;
  costModel?: string;
  memory?: string;
}

export type SplitRequest =
  | { method: 'none' }
  | { method: 'num-splits'; numSplits: number }
  | { method: 'memory'; memoryBytes: number; costModel?: string };

export function validateSplitFlags(flags: SplitFlags): SplitRequest {
  const { numSplits, costModel, memory } = flags;
  if (numSplits !== undefined && costModel !== undefined) {
    throw new UsageError('--num-splits and --cost-model cannot be used together: give a number of splits, or a cost table and --memory');
  }
  if (costModel !== undefined && memory === undefined) throw new OliveError('memory is required if cost_model is provided.');
  if (numSplits !== undefined) {
    if (!Number.isSafeInteger(numSplits) || numSplits < 1) throw new UsageError(`--num-splits must be a whole number ≥ 1, got ${numSplits}`);
    return { method: 'num-splits', numSplits };
  }
  if (memory !== undefined) return { method: 'memory', memoryBytes: parseMemory(memory), costModel };
  return { method: 'none' };
}
