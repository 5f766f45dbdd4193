import { Converter } from 'opencc-js';

/**
 * Simplified ↔ Traditional Chinese. Kefu understands and answers in Simplified internally (the
 * lexicons, the knowledge base, the model and the guards are written in it); a customer who
 * writes Traditional is read through `toSimplified` and answered through `toTraditional` at the
 * rendering edge. Character forms follow Taiwan's standard (`tw`), without phrase rewriting, so
 * the text changes script and never wording.
 */
type Convert = (text: string) => string;

let s2t: Convert | undefined;
let t2s: Convert | undefined;

// Built on first use, which for a server is its warm-up before listening (src/compose/warm-up.ts):
// the dictionaries take a few hundred ms to load, and `hanScript` needs both for any Han text.
const simplifiedToTraditional = (): Convert => (s2t ??= Converter({ from: 'cn', to: 'tw' }));
const traditionalToSimplified = (): Convert => (t2s ??= Converter({ from: 'tw', to: 'cn' }));

const HAN = /\p{Script=Han}/u;

export function toTraditional(text: string): string {
  return HAN.test(text) ? simplifiedToTraditional()(text) : text;
}

export function toSimplified(text: string): string {
  return HAN.test(text) ? traditionalToSimplified()(text) : text;
}

export type HanScript = 'Hans' | 'Hant';

const recentScripts = new Map<string, HanScript | null>();
const RECENT_MAX = 512;

/**
 * Which script a text is written in, from the characters that exist in one script only (退貨 is
 * Traditional, 退货 Simplified, 退款 either): null when it has none of them.
 */
export function hanScript(text: string): HanScript | null {
  const han = Array.from(text.matchAll(/\p{Script=Han}/gu), (m) => m[0]).join('');
  if (han.length === 0) return null;
  // The verdict depends on the Han characters alone, and a turn asks about the same message
  // more than once (its mask stage, the NLU's locale, each earlier turn's): recent verdicts are
  // kept, since both conversions run over the whole text.
  const known = recentScripts.get(han);
  if (known !== undefined) return known;
  const script = scriptOfHan(han);
  if (recentScripts.size >= RECENT_MAX) recentScripts.clear();
  recentScripts.set(han, script);
  return script;
}

function scriptOfHan(han: string): HanScript | null {
  const asSimplified = Array.from(traditionalToSimplified()(han));
  const asTraditional = Array.from(simplifiedToTraditional()(han));
  const chars = Array.from(han);
  let traditional = 0;
  let simplified = 0;
  chars.forEach((c, i) => {
    // Char-for-char conversions keep lengths; the rare dictionary phrase that does not is skipped.
    if (asSimplified.length === chars.length && asSimplified[i] !== c) traditional += 1;
    if (asTraditional.length === chars.length && asTraditional[i] !== c) simplified += 1;
  });
  if (traditional === simplified) return null;
  return traditional > simplified ? 'Hant' : 'Hans';
}
