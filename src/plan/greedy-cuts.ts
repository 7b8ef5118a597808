import type { SegmentCost } from './measure-segments.ts';

/**
 * Packs units front to back, each run as long as stays within `limit`; returns the run ends, or null when a
 * single unit exceeds the limit. With costs that never shrink as a run grows, no partition has fewer runs
 * (any other partition's k-th cut is never past greedy's k-th cut).
 */
export function greedyCuts(cost: SegmentCost, unitCount: number, limit: number): number[] | null {
  const ends: number[] = [];
  for (let start = 0; start < unitCount; start = ends.at(-1)!) {
    if (cost(start, start + 1) > limit) return null;
    let end = start + 1;
    while (end < unitCount && cost(start, end + 1) <= limit) end++;
    ends.push(end);
  }
  return ends;
}
