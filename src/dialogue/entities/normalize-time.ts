import type { Entity } from '../../contracts/nlu.ts';
import { civilToday, formatCivil } from './civil-date.ts';
import type { DateHit } from './date-hit.ts';
import { findChronoDates } from './find-chrono-dates.ts';
import { findEnDates } from './find-en-dates.ts';
import { findNumericDates } from './find-numeric-dates.ts';
import { findZhDates } from './find-zh-dates.ts';
import { findZhWeeks } from './find-zh-weeks.ts';
import { withPartOfDay } from './part-of-day.ts';
import { pickNonOverlapping } from './pick-non-overlapping.ts';

export interface TimeOptions {
  /** The user's clock. */
  now: Date;
  /** IANA zone the dates are calendar days in, e.g. `Asia/Shanghai`; RangeError if unknown. */
  timeZone: string;
}

/**
 * Date entities (zh and en) as calendar days in the user's zone: `value` `YYYY-MM-DD`, `endValue`
 * for ranges ("上周", "last month"), `partOfDay` when said. Sorted by start, non-overlapping.
 *
 * Conventions, because customers talk about orders already placed: a month-day without a year
 * and a bare weekday ("周三", "on Monday") are the latest such day not after today; weeks run
 * Monday..Sunday. The rules beside this file say what each one reads and why chrono-node's
 * reading was not kept.
 */
export function findTimeExpressions(text: string, options: TimeOptions): Entity[] {
  const today = civilToday(options.now, options.timeZone);
  const candidates: DateHit[] = [
    ...findZhDates(text, today),
    ...findZhWeeks(text, today),
    ...findEnDates(text, today),
    ...findNumericDates(text, today),
    ...findChronoDates(text, options.now, options.timeZone, today),
  ];
  // Longest reading first ("上个星期五" over "上个星期"); on a tie our rules over chrono.
  const picked = pickNonOverlapping(candidates, (a, b) =>
    b.end - b.start - (a.end - a.start) || Number(a.source === 'chrono') - Number(b.source === 'chrono') || a.start - b.start);
  return withPartOfDay(text, picked).map((hit) => ({
    type: 'date',
    text: text.slice(hit.start, hit.end),
    start: hit.start,
    end: hit.end,
    value: formatCivil(hit.value),
    ...(hit.endValue ? { endValue: formatCivil(hit.endValue) } : {}),
    ...(hit.partOfDay ? { partOfDay: hit.partOfDay } : {}),
  }));
}
