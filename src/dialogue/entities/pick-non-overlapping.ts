export interface Span {
  start: number;
  end: number;
}

/**
 * Keeps the best candidates that do not overlap, best first by `compare` (negative: `a` is
 * better), returned in text order. Greedy is enough here: candidates are few per message.
 */
export function pickNonOverlapping<T extends Span>(candidates: readonly T[], compare: (a: T, b: T) => number): T[] {
  const kept: T[] = [];
  for (const c of [...candidates].sort(compare)) {
    if (kept.every((k) => c.end <= k.start || c.start >= k.end)) kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Longer spans first: "上周五" beats "周五", "2026年11月11日" beats "11月11日". */
export function longerFirst(a: Span, b: Span): number {
  return b.end - b.start - (a.end - a.start) || a.start - b.start;
}
