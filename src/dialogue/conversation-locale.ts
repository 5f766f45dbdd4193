import { hanScript } from './chinese-script.ts';
import { remembered } from '../remembered.ts';

/**
 * The language of a conversation: it follows the customer, and a turn that says nothing about
 * language (an order id, "ok", an emoji, a number, a pasted English product name) keeps it, so a
 * Chinese chat never flips to English because the customer tapped a button or named a product.
 */
export type Locale = 'zh-Hans' | 'zh-Hant' | 'en';

export const LOCALES: readonly Locale[] = ['zh-Hans', 'zh-Hant', 'en'];

export const langOf = (locale: Locale): 'zh' | 'en' => (locale === 'en' ? 'en' : 'zh');

export const scriptOf = (locale: Locale): 'Hans' | 'Hant' | undefined => (locale === 'zh-Hant' ? 'Hant' : locale === 'zh-Hans' ? 'Hans' : undefined);

export function readLocale(value: unknown): Locale | undefined {
  return LOCALES.find((l) => l === value);
}

/** Words that make a run of Latin letters English prose rather than a product or brand name. */
const FUNCTION_WORDS = new Set([
  'i', 'im', 'me', 'my', 'mine', 'you', 'your', 'we', 'our', 'it', 'its', 'this', 'that', 'the', 'a', 'an',
  'is', 'are', 'was', 'were', 'be', 'been', 'do', 'does', 'did', 'dont', 'can', 'cant', 'could', 'would',
  'will', 'should', 'have', 'has', 'had', 'want', 'need', 'how', 'what', 'where', 'when', 'why', 'which',
  'who', 'to', 'of', 'for', 'with', 'from', 'about', 'not', 'and', 'or', 'but', 'if', 'there', 'get', 'please',
]);
/** Courtesy words a Chinese customer also types ("ok", "thank you"): they never switch a conversation. */
const COURTESY = new Set(['ok', 'okay', 'thanks', 'thank', 'thx', 'you', 'yes', 'no', 'yep', 'nope', 'hi', 'hello', 'hey', 'bye', 'please', 'sorry', 'lol', 'sure']);

/** Placeholders ([PHONE_1]), ids (KF20261124001), links and numbers carry no language. */
const NEUTRAL = /\[[^\]\n]{1,40}\]|https?:\/\/\S{1,2000}|\b[a-z]{0,6}\d[a-z\d-]{3,40}\b|\d+/giu;

/** What one message says about its language on its own; null when it says nothing. */
export function localeEvidence(text: string, previous?: Locale): Locale | null {
  const { script, english, han } = readScript(text);
  // Chinese with a pasted English name ("AirPods Pro 有货吗") is Chinese; an English sentence
  // around one Chinese product name ("do you have the 保温杯 in blue?") is English.
  if (han) {
    const hant = script ?? (previous === 'zh-Hant' ? 'Hant' : 'Hans');
    return hant === 'Hant' ? 'zh-Hant' : 'zh-Hans';
  }
  return english ? 'en' : null;
}

/**
 * The part of a message's evidence that does not depend on the conversation. Remembered: each
 * turn reads the message and every earlier customer turn again (keys are masked text).
 */
const readScript = remembered((text: string): { han: boolean; english: boolean; script: 'Hant' | 'Hans' | null } => {
  const t = text.replace(NEUTRAL, ' ');
  const han = t.match(/\p{Script=Han}/gu)?.length ?? 0;
  const words = (t.match(/[a-z]{1,40}(?:'[a-z]{1,3})?/gi) ?? []).map((w) => w.toLowerCase().replace(/'/g, ''));
  const prose = words.filter((w) => !COURTESY.has(w));
  const english = prose.length >= 2 && prose.some((w) => FUNCTION_WORDS.has(w));
  const isHan = han > 0 && !(english && words.length > han);
  return { han: isHan, english, script: isHan ? hanScript(t) ?? null : null };
}, 512);

/**
 * The conversation's locale after this message. `hint` is the page's language (the widget's
 * `data-lang`), used on a first message only where the message itself does not say: its script
 * ("你好" on a Traditional page), or a message with no letters at all.
 */
export function nextLocale(text: string, previous?: Locale, hint?: Locale): Locale {
  const evidence = localeEvidence(text, previous ?? hint);
  if (evidence !== null) return evidence;
  if (previous !== undefined) return previous;
  // A first message with no prose of its own ("hi", "KF2026…"): Latin letters read as English.
  return /[a-z]/i.test(text) ? 'en' : (hint ?? 'zh-Hans');
}
