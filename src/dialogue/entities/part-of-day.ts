import type { DateHit, PartOfDay } from './date-hit.ts';

const ZH_PARTS: [RegExp, PartOfDay][] = [
  [/早上|早晨|清晨|上午|一早/u, 'morning'],
  [/中午|午间/u, 'noon'],
  [/下午|午后/u, 'afternoon'],
  [/傍晚|晚上|晚间/u, 'evening'],
  [/凌晨|半夜|深夜|夜里|夜间|午夜/u, 'night'],
];
// English "night" after a day ("Friday night", "yesterday night") is that evening, as people use
// it; the small hours ('night') have no everyday English word but "midnight".
const EN_PARTS: [RegExp, PartOfDay][] = [
  [/\bmorning\b/iu, 'morning'],
  [/\b(?:noon|lunchtime)\b/iu, 'noon'],
  [/\bafternoon\b/iu, 'afternoon'],
  [/\b(?:evening|night)\b/iu, 'evening'],
  [/\bmidnight\b/iu, 'night'],
];
const ZH_AFTER = /^的?(早上|早晨|清晨|上午|一早|中午|午间|下午|午后|傍晚|晚上|晚间|凌晨|半夜|深夜|夜里|夜间|午夜)/u;
const EN_AFTER = /^\s+(?:in\s+the\s+)?(morning|afternoon|evening|night|at\s+(?:noon|lunchtime|midnight))\b/iu;

function partIn(words: string): PartOfDay | undefined {
  for (const [re, part] of [...ZH_PARTS, ...EN_PARTS]) if (re.test(words)) return part;
  return undefined;
}

/**
 * Extends each date over a part of day said right after it ("前天晚上", "上周五下午", "Friday
 * night", "yesterday in the morning") and records it; hits must be sorted and not overlap.
 */
export function withPartOfDay(text: string, hits: readonly DateHit[]): DateHit[] {
  return hits.map((hit, i) => {
    const rest = text.slice(hit.end);
    const m = ZH_AFTER.exec(rest) ?? EN_AFTER.exec(rest);
    const nextStart = hits[i + 1]?.start ?? text.length;
    const end = m && hit.end + m[0].length <= nextStart ? hit.end + m[0].length : hit.end;
    const part = hit.partOfDay ?? partIn(text.slice(hit.start, end));
    return Object.assign({}, hit, { end, ...(part ? { partOfDay: part } : {}) });
  });
}
