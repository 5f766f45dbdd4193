import type { Entity } from '../../contracts/nlu.ts';
import { CHINESE_NUMERAL_CHARS, parseChineseNumber } from './chinese-number.ts';
import { longerFirst, pickNonOverlapping } from './pick-non-overlapping.ts';

/*
 * Money, only with a currency word or sign beside the number, so order numbers, dates and
 * quantities ("我要三个") are never amounts: ¥199, RMB 50, $19.99, 199元, 199块, 三块五, 一百九十九元,
 * 1.5万元, 50 yuan, 19.99 dollars. A number glued to letters or digits ("KF20261124001") is not read.
 */
const NUM = '\\d{1,3}(?:,\\d{3})+(?:\\.\\d{1,2})?|\\d+(?:\\.\\d{1,2})?';
// "¥199元" says the currency twice; the 元 belongs to the amount.
const SIGN_FIRST = new RegExp(`(?<![A-Za-z])(US\\$|USD|RMB|CNY|[$¥￥])\\s?(${NUM})(万)?(?:\\s?(?:元|块钱|块))?(?![\\d.,]\\d)`, 'giu');
// 块 may carry jiao after it ("三块五", "3块5毛"); "3元5" is not said. A run of numerals is
// bounded: unbounded, each start in a long run ("一二十一二十…") would rescan the rest of it.
const WORD_AFTER = new RegExp(
  `(?<![\\w.,$¥￥])(${NUM}|[${CHINESE_NUMERAL_CHARS}]{1,20})\\s?(万)?(?:块(\\d|[一二三四五六七八九])[毛角]?|(元|块钱|块|圆|人民币|yuan|rmb|cny|dollars?|usd))(?![A-Za-z])`,
  'giu',
);
// "一块手表", "两块蛋糕", "一块儿": 块 is also a measure word. Without 钱 it is money only when
// nothing or a word that follows prices comes next ("两百块买的", "50块吗").
const AFTER_KUAI = /^(?:$|[^\p{Script=Han}]|[的了吗呢啊吧呀哦嘛啦还都就也又才多左买退补付给呗])/u;
const USD = /^(?:US\$|USD|\$|dollars?|usd)$/iu;

/** "1,299.5" (+ 万) → "1299.50"; BigInt cents so no float rounding creeps in. */
function decimal(number: string, wan: boolean, jiao: number): string {
  const [whole = '0', frac = ''] = number.replace(/,/gu, '').split('.');
  let cents = BigInt(whole) * 100n + BigInt(frac.padEnd(2, '0')) + BigInt(jiao * 10);
  if (wan) cents *= 10_000n;
  return `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
}

// Both patterns need a digit or a Chinese numeral: without one, nothing to look for.
const MAY_MATCH = new RegExp(`[0-9${CHINESE_NUMERAL_CHARS}]`, 'iu');

export function findAmounts(text: string): Entity[] {
  const found: Entity[] = [];
  if (!MAY_MATCH.test(text)) return found;
  const add = (m: RegExpMatchArray, value: string, unit: string): void => {
    const start = m.index ?? 0;
    found.push({ type: 'amount', text: m[0], start, end: start + m[0].length, value, currency: USD.test(unit) ? 'USD' : 'CNY' });
  };
  for (const m of text.matchAll(SIGN_FIRST)) add(m, decimal(m[2] ?? '0', m[3] !== undefined, 0), m[1] ?? '');

  for (const m of text.matchAll(WORD_AFTER)) {
    const [, numberText = '', wan, jiaoText, unit = '块'] = m;
    const jiao = jiaoText === undefined ? 0 : parseChineseNumber(jiaoText) ?? 0;
    if (unit === '块' && jiaoText === undefined && !AFTER_KUAI.test(text.slice((m.index ?? 0) + m[0].length))) continue;
    let number = numberText;
    if (!/^\d/u.test(numberText)) {
      const n = parseChineseNumber(numberText);
      if (n === null) continue;
      number = String(n);
    }
    add(m, decimal(number, wan !== undefined, jiao), unit);
  }
  return pickNonOverlapping(found, longerFirst);
}
