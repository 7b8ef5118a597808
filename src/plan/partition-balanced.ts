/**
 * The balanced memory plan, as run ends over the units, in three exact steps on whole-byte costs that never
 * shrink as a run grows:
 *  1. fewest runs: greedy packing at the budget (see greedy-cuts.ts);
 *  2. smallest largest run among those: the least limit at which greedy still needs no more runs, found by
 *     binary search (a limit one byte lower needs more runs, so no plan of that size does better);
 *  3. largest smallest run among those, so the last split is not a leftover: binary search over the lower bound
 *     with the exact interval dynamic program of bounded-cuts.ts.
 */
import { boundedCuts } from './bounded-cuts.ts';
import { greedyCuts } from './greedy-cuts.ts';
import type { SegmentCost } from './measure-segments.ts';

// Step 3 costs one byte and one step per (unit, split) pair for each of its ~32 probes; past this many pairs
// (10,000 units in 150 splits) a plan would take most of a second, so it keeps step 2's cuts, which already have
// the fewest splits and the smallest largest one.
const MAX_BALANCE_CELLS = 1_500_000;

/** Every single unit must fit the budget (the caller reports the ones that do not). */
export function partitionBalanced(cost: SegmentCost, unitCount: number, budget: number): number[] {
  const fewest = greedyCuts(cost, unitCount, budget)!;
  const largest = smallestLargest(cost, unitCount, fewest.length, budget);
  const greedyAtLargest = greedyCuts(cost, unitCount, largest)!;
  if (unitCount * fewest.length > MAX_BALANCE_CELLS) return greedyAtLargest;
  return largestSmallest(cost, unitCount, fewest.length, largest) ?? greedyAtLargest;
}

function smallestLargest(cost: SegmentCost, unitCount: number, parts: number, budget: number): number {
  let feasible = budget;
  let infeasible = largestUnit(cost, unitCount) - 1;
  while (feasible - infeasible > 1) {
    const limit = Math.floor((feasible + infeasible) / 2);
    if (greedyCuts(cost, unitCount, limit)!.length <= parts) feasible = limit;
    else infeasible = limit;
  }
  return feasible;
}

function largestSmallest(cost: SegmentCost, unitCount: number, parts: number, upper: number): number[] | null {
  let best = boundedCuts(cost, unitCount, parts, 0, upper);
  let feasible = 0;
  let infeasible = upper + 1;
  while (infeasible - feasible > 1) {
    const lower = Math.floor((feasible + infeasible) / 2);
    const cuts = boundedCuts(cost, unitCount, parts, lower, upper);
    if (cuts) [best, feasible] = [cuts, lower];
    else infeasible = lower;
  }
  return best;
}

function largestUnit(cost: SegmentCost, unitCount: number): number {
  let largest = 0;
  for (let i = 0; i < unitCount; i++) largest = Math.max(largest, cost(i, i + 1));
  return largest;
}
