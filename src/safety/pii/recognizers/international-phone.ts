import { allMatches } from '../all-matches.ts';
import { applyContext, type ContextCues } from '../context.ts';
import type { PiiCandidate } from '../pii-types.ts';

/**
 * Numbers outside mainland China as customers write them: a `+`, the country code, and the rest
 * run together (+6591234567) or in groups (+44 20 7946 0958, +1 (415) 555-0132, +81-3-1234-5678).
 * Every group after the first starts with a separator or a parenthesis, so a run of digits splits
 * one way only, and the groups are bounded: the work per start position is bounded.
 */
export const INTERNATIONAL_PHONE = /(?<![0-9A-Za-z+])\+(?:\d{7,15}|\d{1,3}(?:[ .-]?\(\d{1,4}\)|[ .-]\d{1,12}){1,6})(?![0-9A-Za-z]|[ .-]\d)/g;

/** E.164: at most 15 digits with the country code; fewer than 7 is no reachable number. */
function plausible(digits: number): boolean {
  return digits >= 7 && digits <= 15;
}

/**
 * International numbers, type `phone` (the phone recognizer runs this beside the mainland
 * pattern). A +86 number is also matched; there the mainland patterns score higher and keep the span.
 */
export function findInternationalPhones(text: string, cues: ContextCues): PiiCandidate[] {
  const out: PiiCandidate[] = [];
  for (const m of allMatches(INTERNATIONAL_PHONE, text)) {
    let digits = 0;
    for (const ch of m[0]) if (ch >= '0' && ch <= '9') digits++;
    if (!plausible(digits)) continue;
    out.push({ type: 'phone', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, 0.75, cues) });
  }
  return out;
}
