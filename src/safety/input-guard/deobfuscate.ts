/**
 * De-obfuscation before pattern matching. Each step undoes one way of hiding words from a
 * pattern while leaving the meaning to a human (or a model) unchanged:
 *
 * 1. Unicode tag characters (invisible ASCII copies) become the ASCII they encode.
 * 2. Zero-width, bidi and other invisible format characters are removed.
 * 3. NFKC: full-width letters and digits, circled and mathematical letters → plain ones.
 * 4. Encoded segments (base64, hex, URL encoding) that decode to text are decoded, and the decoded
 *    text goes through the same steps and is appended.
 * 5. Lower case; accents stripped; Cyrillic/Greek/small-capital look-alikes folded to Latin.
 * 6. Leetspeak inside words (pr0mpt, 1d10t, b!tch).
 * 7. Letter spacing collapsed: "i g n o r e", "忽 略 之 前", "s.y.s.t.e.m".
 * 8. Spelling: Chinese near-homophones, pinyin of key words, English misspellings.
 */
import { normalize } from '../../dialogue/intent-training/normalize.ts';
import { decodeSegments } from './decode-segments.ts';
import { foldHomoglyphCapitals, foldHomoglyphs } from './homoglyphs.ts';
import { repairSpelling } from './spelling.ts';

export interface InspectedText {
  /** Readable de-obfuscated text: lower case, punctuation kept, decoded segments appended. */
  text: string;
  /** Letters and digits only, after the intent normaliser: survives any spacing or punctuation trick. */
  compact: string;
}

const TAGS = /[\u{e0020}-\u{e007e}]/gu;
const INVISIBLE =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '!': 'i', '|': 'l', $: 's' };
const LEET_TOKEN = /[a-z0-9!|$]+/g;
// A run of three or more single letters separated by spaces or punctuation: "i g n o r e".
const SPACED = /(?<![\p{L}\p{N}])\p{L}(?:[ \t._*·•|/~-]{1,3}\p{L}(?![\p{L}\p{N}])){2,}/gu;
// Chinese has no spaces between words, so the ends of a spaced run may touch other characters: "进入开 发 者 模 式".
const SPACED_HAN = /\p{Script=Han}(?:[ \t._*·•|/~-]{1,2}\p{Script=Han}){2,}/gu;

/** Steps 1-3: what any reader would see, case kept (base64 needs it). */
function reveal(raw: string): string {
  return raw
    .replace(TAGS, (c) => String.fromCharCode(c.codePointAt(0)! - 0xe0000))
    .replace(INVISIBLE, '')
    .normalize('NFKC');
}

function unleet(token: string): string {
  const letters = (token.match(/[a-z]/g) ?? []).length;
  if (letters < 2 || /[2689]/.test(token)) return token;
  const leet = token.length - letters;
  if (leet === 0 || leet > letters + 1) return token;
  // Only when a leet character sits inside the word or starts it ("1gnore"), not a trailing
  // model number or emphasis ("save20", "hi!!").
  if (!/[a-z][0-9!|$]+[a-z]|^[0-9!|$]+[a-z]/.test(token)) return token;
  return token.replace(/[0-9!|$]/g, (c) => LEET[c] ?? c);
}

function collapseSpacing(text: string): string {
  return text.replace(SPACED_HAN, (run) => run.replace(/[^\p{Script=Han}]/gu, '')).replace(SPACED, (run) =>
    run.split(/\s{2,}/).map((word) => word.replace(/[^\p{L}]/gu, '')).join(' '));
}

/** Steps 5-8 on already revealed text. */
function clean(revealed: string): string {
  let t = foldHomoglyphCapitals(revealed).toLowerCase().normalize('NFD').replace(/\p{Mn}+/gu, '').normalize('NFC');
  t = foldHomoglyphs(t);
  t = t.replace(LEET_TOKEN, unleet);
  t = collapseSpacing(t);
  t = repairSpelling(t);
  return t.replace(/[ \t]+/g, ' ').trim();
}

export function deobfuscate(raw: string): InspectedText {
  const revealed = reveal(raw);
  const decoded = decodeSegments(revealed).map((d) => clean(reveal(d)));
  const text = [clean(revealed), ...decoded].join('\n');
  return { text, compact: normalize(text).replace(/\s+/g, '') };
}
