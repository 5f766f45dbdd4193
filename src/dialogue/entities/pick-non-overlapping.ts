export interface Span {
  start: number;
  end: number;
}

/**
 * Keeps the best candidates that do not overlap, best first by `compare` (negative: `a` is
 * better), returned in text order. Kept spans stay sorted by start, so each candidate is checked
 * against its two neighbours found by binary search (spans are non-empty): a message with thousands of candidates
 * ("明天明天明天…") costs O(n log n) comparisons, not one per pair.
 */
export function pickNonOverlapping<T extends Span>(candidates: readonly T[], compare: (a: T, b: T) => number): T[] {
  const kept: T[] = [];
  for (const c of [...candidates].sort(compare)) {
    // The first kept span starting at or after c.start; kept spans do not overlap each other.
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid]!.start < c.start) lo = mid + 1;
      else hi = mid;
    }
    const before = kept[lo - 1];
    const after = kept[lo];
    // Non-empty spans that do not overlap have their ends in the same order as their starts, so
    // if c overlaps any kept span it overlaps one of these two.
    if ((before === undefined || before.end <= c.start) && (after === undefined || c.end <= after.start)) kept.splice(lo, 0, c);
  }
  return kept;
}

/** Longer spans first: "上周五" beats "周五", "2026年11月11日" beats "11月11日". */
export function longerFirst(a: Span, b: Span): number {
  return b.end - b.start - (a.end - a.start) || a.start - b.start;
}
