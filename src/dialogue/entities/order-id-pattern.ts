import { KefuError } from '../../errors.ts';
import type { IdCandidate } from './order-id-candidates.ts';

/**
 * The shop's order-id format (`KEFU_ORDER_ID_PATTERN`), a regular expression the operator
 * writes, e.g. `SO[0-9A-Z]{14}` or `\d{4}-\d{4}-\d{5}`. It must match a whole id; it is tried
 * only on bounded candidates (`orderIdCandidates`: at most 32 characters), never on a message.
 *
 * Bounded input is not enough against an exponential pattern (`(a+)+b` takes seconds on 30
 * characters), so patterns that repeat a group containing a quantifier or an alternation are
 * refused at startup, with the reason.
 */
export interface OrderIdPattern {
  source: string;
  /** The id the candidate names in the form the pattern accepts, or null. */
  match(candidate: Pick<IdCandidate, 'text' | 'key'>): string | null;
}

const MAX_SOURCE = 300;
/** What a shop's id format must not match: it would make every word an order number. */
const ORDINARY = ['', 'order', 'hello', 'thanks', 'OK', '1'];

function invalid(message: string): KefuError {
  return new KefuError('invalid_config', `KEFU_ORDER_ID_PATTERN ${message}`);
}

/**
 * A quantifier at `i` ("*", "+", "?", "{2}", "{2,}", "{2,5}"): its length, whether it repeats
 * (may match more than once) and whether it is variable (a fixed "{4}" matches one way only).
 */
function quantifierAt(source: string, i: number): { length: number; repeats: boolean; variable: boolean } | null {
  const c = source[i];
  if (c === '*' || c === '+') return { length: source[i + 1] === '?' ? 2 : 1, repeats: true, variable: true };
  if (c === '?') return { length: source[i + 1] === '?' ? 2 : 1, repeats: false, variable: true };
  if (c !== '{') return null;
  const m = /^\{(\d{1,4})(,(\d{0,4}))?\}\??/.exec(source.slice(i, i + 12));
  if (m === null) return null;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  return { length: m[0].length, repeats: max > 1, variable: max !== min };
}

/** Throws when a repeated group holds a variable quantifier or an alternation (catastrophic backtracking). */
export function assertLinearPattern(source: string): void {
  const frames: { quantified: boolean; alternation: boolean }[] = [{ quantified: false, alternation: false }];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const top = frames[frames.length - 1]!;
    if (c === '\\') {
      i += 2;
    } else if (c === '[') {
      // A class is one atom: skip to its unescaped "]".
      i += 1;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i += 1;
    } else if (c === '(') {
      frames.push({ quantified: false, alternation: false });
      i += 1;
      continue;
    } else if (c === ')') {
      if (frames.length === 1) throw invalid('is not a valid regular expression: unmatched ")"');
      const group = frames.pop()!;
      const parent = frames[frames.length - 1]!;
      const q = quantifierAt(source, i + 1);
      if (q?.repeats === true && (group.quantified || group.alternation)) {
        throw invalid(`repeats a group that contains a variable quantifier or an alternation ("${source.slice(0, 60)}"): that can take exponential time. Write the id's parts out, e.g. SO[0-9A-Z]{14} or \\d{4}-\\d{4}-\\d{5}`);
      }
      parent.quantified ||= group.quantified || q?.variable === true;
      parent.alternation ||= group.alternation;
      i += 1 + (q?.length ?? 0);
      continue;
    } else if (c === '|') {
      top.alternation = true;
      i += 1;
      continue;
    } else {
      i += 1;
    }
    const q = quantifierAt(source, i);
    if (q !== null) {
      top.quantified ||= q.variable;
      i += q.length;
    }
  }
}

export function compileOrderIdPattern(source: string): OrderIdPattern {
  const trimmed = source.trim();
  if (trimmed.length === 0) throw invalid('is empty; leave it unset, or describe the ids, e.g. SO[0-9A-Z]{14}');
  if (trimmed.length > MAX_SOURCE) throw invalid(`is longer than ${MAX_SOURCE} characters`);
  let re: RegExp;
  try {
    // Checked alone first, so the error quotes the operator's expression, not the anchored one.
    new RegExp(trimmed, 'u');
    re = new RegExp(`^(?:${trimmed})$`, 'u');
  } catch (e) {
    throw invalid(`is not a valid regular expression: ${(e as Error).message}`);
  }
  assertLinearPattern(trimmed);
  const ordinary = ORDINARY.find((w) => re.test(w));
  if (ordinary !== undefined) throw invalid(`matches "${ordinary}", so it would take ordinary words for order numbers; describe the ids more precisely`);
  return {
    source: trimmed,
    match({ text, key }) {
      // The id as written ("2026-1206-88310"), then without separators, then upper-cased.
      for (const form of [text, text.toUpperCase(), key]) if (re.test(form)) return form;
      return null;
    },
  };
}
