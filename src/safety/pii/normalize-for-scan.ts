/**
 * What the recognizers read instead of the customer's text, so that a number is found however it
 * is written: invisible characters (zero-width space, joiners, BOM, soft hyphen) are dropped,
 * non-breaking and other wide spaces become a space, full-width ASCII becomes half-width, and a
 * run of at least seven digits with at least three Chinese numerals (一三八一二三四五六七八, 幺三九…) becomes digits.
 * `origin[i]` is where the scanned text's unit `i` came from, so a finding maps back to the span
 * of the original text and masking replaces what the customer wrote, invisible characters and all.
 * One pass for the characters and one for the numeral runs: linear time.
 */
export interface ScanText {
  text: string;
  /** Original offset of each UTF-16 unit of `text`; null when nothing was dropped (offsets equal). */
  origin: Int32Array | null;
}

// Zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, Mongolian vowel separator.
const INVISIBLE = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x180e]);
// No-break space, figure, narrow no-break, ideographic; en/em and thin spaces (U+2000–U+200A).
const isWideSpace = (code: number): boolean => code === 0x00a0 || code === 0x202f || code === 0x3000 || code === 0x205f || (code >= 0x2000 && code <= 0x200a);

/** Chinese numerals for digits, as a phone number is read out: 幺 for 1, 〇 and 零 for 0, and the financial forms. */
const NUMERALS: ReadonlyMap<string, string> = new Map([
  ...[...'〇一二三四五六七八九'].map((ch, d): [string, string] => [ch, String(d)]),
  ...[...'零壹贰叁肆伍陆柒捌玖'].map((ch, d): [string, string] => [ch, String(d)]),
  ['幺', '1'],
]);
/** Digits in a run before its numerals count as a number: seven covers every mobile and landline. */
const MIN_RUN_DIGITS = 7;
const RUN_SEPARATORS = new Set([' ', '-']);

const isDigitLike = (ch: string | undefined): boolean => ch !== undefined && ((ch >= '0' && ch <= '9') || NUMERALS.has(ch));

/** Full-width digits and Chinese numerals to ASCII digits, everything else kept: for comparing and partly masking a value. */
export function foldDigits(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    out += code >= 0xff10 && code <= 0xff19 ? String.fromCharCode(code - 0xfee0) : (NUMERALS.get(ch) ?? ch);
  }
  return out;
}

type GroupKind = 'digits' | 'numerals' | 'mixed';

/** The group of digit-like units starting at `at` (no separators): where it ends and what it holds. */
function readGroup(units: readonly string[], at: number): { end: number; kind: GroupKind; numerals: number } {
  let end = at;
  let numerals = 0;
  while (isDigitLike(units[end])) {
    if (NUMERALS.has(units[end]!)) numerals++;
    end++;
  }
  const length = end - at;
  return { end, numerals, kind: numerals === 0 ? 'digits' : numerals === length ? 'numerals' : 'mixed' };
}

/**
 * Runs of digits and numerals of at least seven, with at least three numerals, to digits. A space
 * or dash joins two groups only when neither is all digits while the other is all numerals, and
 * a first group of one or two numerals stands apart: in "张三 13800001234" the 三 is a name's.
 */
function foldNumeralRuns(units: string[]): void {
  let i = 0;
  while (i < units.length) {
    if (!isDigitLike(units[i])) {
      i++;
      continue;
    }
    let group = readGroup(units, i);
    let runStart = i;
    let digits = group.end - i;
    let numerals = group.numerals;
    let j = group.end;
    while (RUN_SEPARATORS.has(units[j] ?? '') && isDigitLike(units[j + 1])) {
      const next = readGroup(units, j + 1);
      const clash = (group.kind === 'digits' && next.kind === 'numerals') || (group.kind === 'numerals' && next.kind === 'digits');
      if (clash) break;
      if (runStart === i && group.kind === 'numerals' && digits < 3) {
        // A lone numeral or two before the number: not part of it.
        runStart = j + 1;
        digits = 0;
        numerals = 0;
      }
      digits += next.end - (j + 1);
      numerals += next.numerals;
      group = next;
      j = next.end;
    }
    if (numerals >= 3 && digits >= MIN_RUN_DIGITS) {
      for (let k = runStart; k < j; k++) units[k] = NUMERALS.get(units[k]!) ?? units[k]!;
    }
    i = j;
  }
}

// Any character the pass below changes or drops, or a numeral a run could fold: a text without
// one (most messages) is scanned as written, so it is not rebuilt unit by unit.
const MAY_CHANGE = new RegExp(
  `[\\u200b\\u200c\\u200d\\u2060\\ufeff\\u00ad\\u180e\\u00a0\\u202f\\u3000\\u205f\\u2000-\\u200a\\uff01-\\uff5e${[...NUMERALS.keys()].join('')}]`,
);

export function normalizeForScan(original: string): ScanText {
  if (!MAY_CHANGE.test(original)) return { text: original, origin: null };
  const units: string[] = [];
  let origin: number[] | null = null;
  let hasNumeral = false;
  for (let i = 0; i < original.length; i++) {
    const code = original.charCodeAt(i);
    if (INVISIBLE.has(code)) {
      origin ??= Array.from({ length: units.length }, (_, k) => k);
      continue;
    }
    const ch = original[i]!;
    units.push(isWideSpace(code) ? ' ' : code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : ch);
    origin?.push(i);
    if (!hasNumeral && NUMERALS.has(ch)) hasNumeral = true;
  }
  if (hasNumeral) foldNumeralRuns(units);
  return { text: units.join(''), origin: origin === null ? null : Int32Array.from(origin) };
}

/** The original span of the scanned span [start, end) (end > start). */
export function originalSpan(scan: ScanText, start: number, end: number): { start: number; end: number } {
  if (scan.origin === null) return { start, end };
  return { start: scan.origin[start]!, end: scan.origin[end - 1]! + 1 };
}
