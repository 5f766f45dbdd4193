const DIGITS: Record<string, number> = {
  一: 1, 二: 2, 两: 2, 俩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Characters that may appear in a number `parseChineseNumber` reads; for building regexes. */
export const CHINESE_NUMERAL_CHARS = '零〇一二两俩三四五六七八九十百千万';

/**
 * Reads a whole number written in Chinese numerals or Arabic digits: "十一" 11, "一百九十九" 199,
 * "两百" 200, "两百五" 250, "一千零五" 1005, "3万" 30000, "12" 12. Null when the text is not a
 * number, so callers can match generously and check here.
 */
export function parseChineseNumber(text: string): number | null {
  if (text === '') return null;
  if (/^\d+$/.test(text)) return Number(text);
  const wan = text.indexOf('万');
  if (wan >= 0) {
    const high = wan === 0 ? null : parseChineseNumber(text.slice(0, wan));
    const low = wan === text.length - 1 ? 0 : parseChineseNumber(text.slice(wan + 1));
    return high === null || low === null ? null : high * 10_000 + low;
  }
  let total = 0;
  let digit: number | null = null;
  let lastUnit = 0;
  let zero = false;
  for (const ch of text) {
    const d = DIGITS[ch];
    const unit = UNITS[ch];
    if (ch === '零' || ch === '〇') {
      if (digit !== null) return null;
      zero = true;
    } else if (d !== undefined) {
      if (digit !== null) return null; // "一二" is not a number
      digit = d;
    } else if (unit !== undefined) {
      if (lastUnit !== 0 && unit >= lastUnit) return null; // "十百"
      if (digit === null && total !== 0) return null;
      total += (digit ?? 1) * unit; // "十一": a leading 十 means one ten
      digit = null;
      lastUnit = unit;
    } else {
      return null;
    }
  }
  if (digit !== null) {
    // "两百五" is 250 and "一千二" 1200 as people say them; after 零 ("一千零五") it is units.
    total += lastUnit >= 100 && !zero ? digit * (lastUnit / 10) : digit;
  }
  return total;
}
