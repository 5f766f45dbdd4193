import { latestPastMonthDay, type CivilDate } from './civil-date.ts';
import type { DateHit } from './date-hit.ts';

/*
 * "11/11" as month/day, the way both Chinese and US customers write it; a past date as always
 * without a year. chrono-node reads it too but puts it in the future and also takes "1/2 price"
 * and "3/5个"; here a quantity or price word after it, or a digit or currency sign around it,
 * means it is not a date.
 */
const MONTH_DAY = /(?<![\d/.$¥￥:])(1[0-2]|0?[1-9])\/(3[01]|[12]\d|0?[1-9])(?![\d/%.:])(?!\s*(?:个|件|台|只|份|倍|折|价|price|off|of\b|stars?\b|items?\b))/giu;

export function findNumericDates(text: string, today: CivilDate): DateHit[] {
  const hits: DateHit[] = [];
  if (!text.includes('/')) return hits;
  for (const m of text.matchAll(MONTH_DAY)) {
    const d = latestPastMonthDay(Number(m[1]), Number(m[2]), today);
    if (d !== null) hits.push({ start: m.index, end: m.index + m[0].length, value: d, source: 'rule' });
  }
  return hits;
}
