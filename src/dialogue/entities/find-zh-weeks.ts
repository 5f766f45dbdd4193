import { addDays, addMonths, compareCivil, daysInMonth, isoWeekdayIndex, mondayOf, type CivilDate } from './civil-date.ts';
import { parseChineseNumber } from './chinese-number.ts';
import type { DateHit } from './date-hit.ts';

/*
 * Chinese weeks and months, with the week running Monday..Sunday as Chinese calendars print it.
 *
 * - "上周五", "上个星期五", "这周一", "下礼拜天": that weekday in the previous / current / next week,
 *   so on Sunday 11-29 "上周五" is 11-20 (11-27 is "这周五").
 * - A bare "周三" / "星期三" is the most recent Wednesday, today included: customers speak about
 *   orders already placed ("周三下的单"), so it never points forward.
 * - "上周" / "本周" / "上个月" / "这个月" are ranges: first day .. last day.
 * - "上周末" is that week's Saturday..Sunday; a bare "周末" is the latest weekend not in the future.
 * - "上个月5号" is a day in that month.
 *
 * Modifier characters also occur inside words ("马上", "日本", "看一下"); the guards below reject
 * the commonest of those so that "马上周一" is not "last Monday".
 */
const MODIFIER: Record<string, number> = { 上上: -2, 上: -1, 这: 0, 本: 0, 下: 1, 下下: 2 };
const NOT_BEFORE: Record<string, RegExp> = {
  上: /[马早晚路网线楼以加身手]$/u,
  上上: /[马早晚路网线楼以加身手]$/u,
  本: /[日书课剧]$/u,
  下: /[一以底天地了]$/u,
  下下: /[一以底天地了]$/u,
  这: /(?!)/u,
};
const WEEKDAY_INDEX: Record<string, number> = { 一: 0, 二: 1, 三: 2, 四: 3, 五: 4, 六: 5, 日: 6, 天: 6, 7: 6 };
const NUM = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';

const WEEKDAY = /(?:(上上|上|这|本|下下|下)(个)?)?(周|星期|礼拜)([一二三四五六日天1-7])/gu;
const WEEK = /(上上|上|这|本|下下|下)(个)?(?:周|星期|礼拜)(末)?/gu;
const BARE_WEEKEND = /周末/gu;
// "周一到周五": opening days, not a date.
const SCHEDULE_AFTER = /^\s*[到至~\-－]\s*(?:周|星期|礼拜)/u;
const SCHEDULE_BEFORE = /(?:周|星期|礼拜)[一二三四五六日天1-7]\s*[到至~\-－]\s*$/u;
const MONTH = new RegExp(`(上上|上|这|本|下下|下)(个)?月(?:${NUM}[号日])?`, 'gu');

function guarded(text: string, index: number, modifier: string | undefined): boolean {
  const before = text.slice(Math.max(0, index - 2), index);
  // "一周一次", "每周三", "一个星期一次": a count or "every", not a day.
  if (modifier === undefined) return /[一二两三四五六七八九十几每个\d]$/u.test(before);
  return NOT_BEFORE[modifier]?.test(before) ?? false;
}

function weekdayIndex(ch: string): number {
  return WEEKDAY_INDEX[ch] ?? Number(ch) - 1;
}

// Every pattern above holds 周, 星期, 礼拜 or 月: without one of their characters nothing matches.
const MAY_MATCH = /[周期拜月]/u;

export function findZhWeeks(text: string, today: CivilDate): DateHit[] {
  const hits: DateHit[] = [];
  if (!MAY_MATCH.test(text)) return hits;
  const monday = mondayOf(today);
  const hit = (m: RegExpMatchArray, value: CivilDate, endValue?: CivilDate): void => {
    const start = m.index ?? 0;
    hits.push({ start, end: start + m[0].length, value, ...(endValue ? { endValue } : {}), source: 'rule' });
  };

  for (const m of text.matchAll(WEEKDAY)) {
    const [, mod, , , day = ''] = m;
    if (guarded(text, m.index, mod)) continue;
    const after = text.slice(m.index + m[0].length);
    if (day === '天' && after.startsWith('气')) continue; // "这周天气"
    if (mod === undefined && (SCHEDULE_AFTER.test(after) || SCHEDULE_BEFORE.test(text.slice(0, m.index)))) continue;
    const idx = weekdayIndex(day);
    if (mod === undefined) {
      const d = addDays(monday, idx);
      hit(m, compareCivil(d, today) > 0 ? addDays(d, -7) : d);
    } else {
      hit(m, addDays(monday, 7 * (MODIFIER[mod] ?? 0) + idx));
    }
  }

  for (const m of text.matchAll(WEEK)) {
    const [, mod = '', , weekend] = m;
    if (guarded(text, m.index, mod)) continue;
    const first = addDays(monday, 7 * (MODIFIER[mod] ?? 0));
    if (weekend) hit(m, addDays(first, 5), addDays(first, 6));
    else hit(m, first, addDays(first, 6));
  }

  for (const m of text.matchAll(BARE_WEEKEND)) {
    if (/[上这本下个每]$/u.test(text.slice(0, m.index))) continue; // handled above, or "每周末"
    const saturday = addDays(monday, isoWeekdayIndex(today) >= 5 ? 5 : -2);
    hit(m, saturday, addDays(saturday, 1));
  }

  for (const m of text.matchAll(MONTH)) {
    const [, mod = '', , dayText] = m;
    if (guarded(text, m.index, mod)) continue;
    const first = addMonths({ year: today.year, month: today.month, day: 1 }, MODIFIER[mod] ?? 0);
    if (dayText !== undefined) {
      const day = parseChineseNumber(dayText);
      if (day === null || day < 1 || day > daysInMonth(first.year, first.month)) continue;
      hit(m, Object.assign({}, first, { day }));
    } else {
      hit(m, first, Object.assign({}, first, { day: daysInMonth(first.year, first.month) }));
    }
  }
  return hits;
}
