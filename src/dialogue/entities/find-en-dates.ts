import { addDays, addMonths, compareCivil, daysInMonth, mondayOf, type CivilDate } from './civil-date.ts';
import type { DateHit, PartOfDay } from './date-hit.ts';

/*
 * English expressions chrono-node reads differently from what a customer means:
 *
 * - weekdays: chrono puts a bare "Friday" in the coming week; here it is the most recent Friday,
 *   today included (customers talk about past orders), "last Friday" the most recent one before
 *   today, "this Friday" the one in the current Monday..Sunday week, "next Friday" next week's;
 * - "this week", "last week", "this month", "last month" are ranges (chrono gives one day, 7 or
 *   30 days back, or nothing);
 * - "last night" is yesterday evening (chrono: midnight today), "tonight"/"this morning" today;
 * - "day before yesterday" without "the" (chrono reads only "yesterday").
 */
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const WEEKDAY = new RegExp(`\\b(?:(last|this|next)\\s+)?(${WEEKDAYS.join('|')})\\b`, 'giu');
const RANGE = /\b(?:(this|last|next)\s+(week|month)|the\s+(week|month)\s+before\s+last)\b/giu;
const NAMED_DAY = /\b(?:last\s+night|tonight|this\s+(morning|afternoon|evening)|(the\s+)?day\s+before\s+yesterday|(the\s+)?day\s+after\s+tomorrow)\b/giu;
const SHIFT: Record<string, number> = { last: -1, this: 0, next: 1 };
const THIS_PART: Record<string, PartOfDay> = { 'this morning': 'morning', 'this afternoon': 'afternoon', 'this evening': 'evening' };

function namedDay(phrase: string, today: CivilDate): [CivilDate, PartOfDay?] {
  const p = phrase.toLowerCase().replace(/\s+/g, ' ');
  if (p === 'last night') return [addDays(today, -1), 'evening'];
  if (p === 'tonight') return [today, 'evening'];
  const part = THIS_PART[p];
  if (part !== undefined) return [today, part];
  return [addDays(today, p.endsWith('yesterday') ? -2 : 2)];
}

// Every pattern above holds one of these (each weekday, yesterday and the day before or after
// hold "day"); the same flags, so no case folding finds more than this.
const MAY_MATCH = /day|week|month|night|morning|afternoon|evening|tomorrow/iu;

export function findEnDates(text: string, today: CivilDate): DateHit[] {
  const hits: DateHit[] = [];
  if (!MAY_MATCH.test(text)) return hits;
  const monday = mondayOf(today);
  const hit = (m: RegExpMatchArray, value: CivilDate, extra: Partial<DateHit> = {}): void => {
    const start = m.index ?? 0;
    hits.push({ start, end: start + m[0].length, value, ...extra, source: 'rule' });
  };

  for (const m of text.matchAll(WEEKDAY)) {
    const which = m[1]?.toLowerCase();
    const idx = WEEKDAYS.indexOf((m[2] ?? '').toLowerCase());
    const inThisWeek = addDays(monday, idx);
    if (which === 'this' || which === 'next') hit(m, addDays(inThisWeek, 7 * (SHIFT[which] ?? 0)));
    else {
      // Bare: today counts; "last": strictly before today.
      const back = which === 'last' ? compareCivil(inThisWeek, today) >= 0 : compareCivil(inThisWeek, today) > 0;
      hit(m, back ? addDays(inThisWeek, -7) : inThisWeek);
    }
  }

  for (const m of text.matchAll(RANGE)) {
    const shift = m[1] ? SHIFT[m[1].toLowerCase()] ?? 0 : -2;
    if ((m[2] ?? m[3])?.toLowerCase() === 'week') {
      const first = addDays(monday, 7 * shift);
      hit(m, first, { endValue: addDays(first, 6) });
    } else {
      const first = addMonths(Object.assign({}, today, { day: 1 }), shift);
      hit(m, first, { endValue: Object.assign({}, first, { day: daysInMonth(first.year, first.month) }) });
    }
  }

  for (const m of text.matchAll(NAMED_DAY)) {
    const [value, part] = namedDay(m[0], today);
    hit(m, value, part ? { partOfDay: part } : {});
  }
  return hits;
}
