import type { SegmentCost } from './measure-segments.ts';

/**
 * A partition of the units into exactly `parts` runs whose costs all lie in [lower, upper], as run ends, or null
 * when none exists. Dynamic programming over "prefix i can be cut into j runs": for a fixed end i the allowed
 * starts form one interval (costs grow with the run), found by two pointers, and a prefix count of the previous
 * row answers "is any start in the interval reachable" in O(1). Time and memory O(units × parts).
 */
export function boundedCuts(cost: SegmentCost, unitCount: number, parts: number, lower: number, upper: number): number[] | null {
  const { firstStart, lastStart } = startIntervals(cost, unitCount, lower, upper);
  const reachable: Uint8Array[] = [new Uint8Array(unitCount + 1)];
  reachable[0][0] = 1;
  const reachedBefore = new Int32Array(unitCount + 2);
  for (let run = 1; run <= parts; run++) {
    const previous = reachable[run - 1];
    for (let i = 0; i <= unitCount; i++) reachedBefore[i + 1] = reachedBefore[i] + previous[i];
    const current = new Uint8Array(unitCount + 1);
    for (let end = 1; end <= unitCount; end++) {
      const from = firstStart[end];
      const to = lastStart[end];
      if (from <= to && reachedBefore[to + 1] > reachedBefore[from]) current[end] = 1;
    }
    reachable.push(current);
  }
  return reachable[parts][unitCount] ? traceBack(reachable, firstStart, lastStart, unitCount) : null;
}

/** For each run end, the range of starts whose run cost lies in [lower, upper] (empty when first > last). */
function startIntervals(cost: SegmentCost, unitCount: number, lower: number, upper: number) {
  const firstStart = new Int32Array(unitCount + 1);
  const lastStart = new Int32Array(unitCount + 1).fill(-1);
  let first = 0;
  let last = -1;
  for (let end = 1; end <= unitCount; end++) {
    while (first < end && cost(first, end) > upper) first++;
    while (last + 1 < end && cost(last + 1, end) >= lower) last++;
    firstStart[end] = first;
    lastStart[end] = last;
  }
  return { firstStart, lastStart };
}

function traceBack(reachable: Uint8Array[], firstStart: Int32Array, lastStart: Int32Array, unitCount: number): number[] {
  const ends: number[] = [];
  let end = unitCount;
  for (let run = reachable.length - 1; run > 0; run--) {
    ends.unshift(end);
    let start = lastStart[end];
    while (!reachable[run - 1][start]) start--;
    end = start;
  }
  return ends;
}
