/**
 * Words that point at an order without naming it. Linear regular expressions over short
 * alternatives, no nested quantifiers.
 */

/** "那单", "这个订单", "那现在到哪了", "it", "that order": the order just discussed. */
const FOCUS = /那单|这单|那笔|这笔|那个订单|这个订单|该订单|刚才那|刚刚那|上面那|它|^\s?那(?![个些])|\bit\b|\bthat (?:one|order|parcel|package)\b|\bthis (?:one|order)\b|\bsame (?:one|order)\b/i;

export function refersToFocus(text: string): boolean {
  return FOCUS.test(text);
}

const ZH_ORDINAL = /第\s?([一二两三四五六七八九十1-9])\s?(?:个|单|笔|条)/u;
const EN_ORDINAL = /\b(?:the|my)\s(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\s(?:one|order|purchase)\b/i;
/** "my last order", "最新的订单", "上一单": the newest ("我最近的订单" often means the recent ones: a list). */
const LATEST = /\b(?:my|the)\s(?:last|latest|newest|most\srecent)\s(?:order|one|purchase|parcel|package)\b|最近(?:的)?那[个笔单]|最近一[个笔单]|最新(?:的)?(?:一|那)?[个笔单]?订单|最新一单|上一单|刚(?:刚)?(?:买|下)的(?:那)?[个笔单]/iu;
const EN_WORDS = ['first', 'second', 'third', 'fourth', 'fifth'];
const EN_SHORT = ['1st', '2nd', '3rd', '4th', '5th'];

/**
 * An ordinal said as a reference when no list was shown ("第二个订单", "my second order"),
 * counted newest first ("my last order", "最新的订单": the first); 1-based, null when none. Looser forms ("2", "the second") only count
 * as a pick from a list the bot showed (`parseOrdinal`).
 */
export function namedOrdinal(text: string): number | null {
  const zh = ZH_ORDINAL.exec(text);
  if (zh !== null) {
    const d = zh[1]!;
    return /\d/.test(d) ? Number(d) : '一二三四五六七八九十'.indexOf(d === '两' ? '二' : d) + 1;
  }
  const en = EN_ORDINAL.exec(text);
  if (en !== null) {
    const w = en[1]!.toLowerCase();
    return (EN_WORDS.includes(w) ? EN_WORDS.indexOf(w) : EN_SHORT.indexOf(w)) + 1;
  }
  return LATEST.test(text) ? 1 : null;
}
