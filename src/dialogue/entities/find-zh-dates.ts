import { addDays, addMonths, isValidCivil, latestPastMonthDay, type CivilDate } from './civil-date.ts';
import { parseChineseNumber } from './chinese-number.ts';
import type { DateHit, PartOfDay } from './date-hit.ts';

/*
 * Chinese day words, "N天前" and dates chrono does not know. chrono-node reads 今天/昨天/前天 and
 * "N天前" too, but it splits "昨天半夜" into 昨天 and a false 夜 (tonight), reads "半个月前" as 17
 * days and misses "两周前"; one table here keeps offsets and parts of day together.
 */
const DAY_WORDS: Record<string, [offset: number, part?: PartOfDay]> = {
  大前天: [-3], 前天: [-2], 昨天: [-1], 昨日: [-1], 今天: [0], 今日: [0], 明天: [1], 明日: [1], 后天: [2], 大后天: [3],
  前晚: [-2, 'evening'], 昨晚: [-1, 'evening'], 昨夜: [-1, 'evening'], 今晚: [0, 'evening'], 明晚: [1, 'evening'],
  昨早: [-1, 'morning'], 今早: [0, 'morning'], 今晨: [0, 'morning'], 明早: [1, 'morning'],
};
const DAY_WORD = new RegExp(Object.keys(DAY_WORDS).sort((a, b) => b.length - a.length).join('|'), 'gu');
// "以前天天", "然后天天", "售后天天": the day word's first character ends another word. Not 说 before
// 明天: "客服说明天到" (said it arrives tomorrow) is far commoner than 说明 + 天.
const NOT_AFTER: Record<string, RegExp> = { 前: /[以之提从此事]$/u, 后: /[以之此然售]$/u, 明: /[聪]$/u };

const NUM = '\\d{1,3}|[零一二两三四五六七八九十百]{1,4}';
// 个 is required with 月 ("3月前" is "before March") and 日 is not a unit ("3日前" is "before the 3rd").
const AGO = new RegExp(`(${NUM}|半)(个)?(天|周|星期|礼拜|月|年)(?:以前|之前|前)`, 'gu');

const YEAR_WORD: Record<string, number> = { 前年: -2, 去年: -1, 今年: 0 };
const DAY_NUM = '\\d{1,2}|[一二三四五六七八九十]{1,3}';
const YEAR_MONTH_DAY = new RegExp(`(前年|去年|今年)(${DAY_NUM})月(${DAY_NUM})[日号]?`, 'gu');
const FESTIVAL = /(前年|去年|今年)?双(十一|11|十二|12)(?!\d)/gu;
/*
 * A bare day of the month ("11号下的单") only before words about the order, because "3号线",
 * "5号楼" and "42号" (a size) are not dates. It is this month's day if past, else last month's.
 */
const DAY_OF_MONTH = new RegExp(
  `(?<![\\d月年一二三四五六七八九十])(${DAY_NUM})[号日](?=下|买|拍|订|付|支付|发|到|收|签|退|那天|当天|晚上|早上|上午|中午|下午|凌晨|半夜)`,
  'gu',
);

function agoDate(today: CivilDate, amount: number, unit: string): CivilDate | null {
  if (unit === '天') return addDays(today, -amount);
  if (unit === '月') return addMonths(today, -amount);
  if (unit === '年') return addMonths(today, -12 * amount);
  return addDays(today, -7 * amount); // 周 / 星期 / 礼拜
}

// A character every pattern above needs one of (each day word holds 天, 日, 晚, 夜, 早 or 晨; "ago"
// ends in 前; a year's date holds 月, a festival 双, a day of the month 号 or 日).
const MAY_MATCH = /[天日晚夜早晨前月双号]/u;

export function findZhDates(text: string, today: CivilDate): DateHit[] {
  const hits: DateHit[] = [];
  if (!MAY_MATCH.test(text)) return hits;
  const hit = (m: RegExpMatchArray, value: CivilDate, part?: PartOfDay): void => {
    const start = m.index ?? 0;
    hits.push({ start, end: start + m[0].length, value, ...(part ? { partOfDay: part } : {}), source: 'rule' });
  };

  for (const m of text.matchAll(DAY_WORD)) {
    const entry = DAY_WORDS[m[0]];
    if (entry === undefined || NOT_AFTER[m[0][0] ?? '']?.test(text.slice(0, m.index))) continue;
    hit(m, addDays(today, entry[0]), entry[1]);
  }

  for (const m of text.matchAll(AGO)) {
    const [, numText = '', ge, unit = ''] = m;
    if (/[\dA-Za-z.]$/u.test(text.slice(0, m.index))) continue;
    if (ge !== undefined ? unit === '天' || unit === '年' : unit === '月') continue;
    if (numText === '半') {
      // Half a month is 15 days, half a year 6 months; "半天前" is hours, not a date.
      if (unit === '月') hit(m, addDays(today, -15));
      else if (unit === '年') hit(m, addMonths(today, -6));
      continue;
    }
    const amount = parseChineseNumber(numText);
    const d = amount === null ? null : agoDate(today, amount, unit);
    if (d !== null) hit(m, d);
  }

  for (const m of text.matchAll(YEAR_MONTH_DAY)) {
    const [, yearWord = '', monthText = '', dayText = ''] = m;
    const d = { year: today.year + (YEAR_WORD[yearWord] ?? 0), month: parseChineseNumber(monthText) ?? 0, day: parseChineseNumber(dayText) ?? 0 };
    if (isValidCivil(d)) hit(m, d);
  }

  for (const m of text.matchAll(FESTIVAL)) {
    const [, yearWord, which = ''] = m;
    const month = which === '十一' || which === '11' ? 11 : 12;
    const d = yearWord === undefined
      ? latestPastMonthDay(month, month, today)
      : { year: today.year + (YEAR_WORD[yearWord] ?? 0), month, day: month };
    if (d !== null) hit(m, d);
  }

  for (const m of text.matchAll(DAY_OF_MONTH)) {
    const day = parseChineseNumber(m[1] ?? '');
    if (day === null || day < 1 || day > 31) continue;
    const d = [0, -1, -2].map((k) => addMonths({ year: today.year, month: today.month, day: 1 }, k))
      .map((first) => Object.assign({}, first, { day }))
      .find((c) => isValidCivil(c) && (c.year < today.year || c.month < today.month || c.day <= today.day));
    if (d !== undefined) hit(m, d);
  }
  return hits;
}
