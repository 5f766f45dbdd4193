import { remembered } from '../../remembered.ts';

/**
 * Spans of a message that could be an order number however the customer wrote it: one run of
 * ASCII letters and digits, or several joined by single separators ("SO7X 2K9M 4P1Q 0003",
 * "2026-1206-88310", "so7x.2k9m"). Full-width letters and digits count as ASCII.
 *
 * Bounded on purpose: at most `MAX_TOKENS` runs and `MAX_CHARS` characters per candidate, so a
 * message yields a number of candidates linear in its length and an operator's pattern
 * (KEFU_ORDER_ID_PATTERN) only ever runs on short strings.
 */
export interface IdCandidate {
  /** As written, separators included. */
  text: string;
  start: number;
  end: number;
  /** Upper case, separators removed: how ids are compared (`orderIdKey`). */
  key: string;
  /** Letters-only runs written in lower or mixed case ("order", "Baker"): words, not id parts. */
  hasWord: boolean;
}

export const MAX_TOKENS = 6;
export const MAX_CHARS = 32;

const RUN = /[A-Za-z0-9]+/g;
/** Between two runs of one id: a space, hyphen, dot, slash or underscore, " - " at most. */
const JOIN = /^(?:[ \-_./]| - )$/;

/** Full-width ASCII to ASCII, one UTF-16 unit for one, so offsets stay valid. */
export function foldWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** The comparison form of an order id: upper case, no separators or spaces. */
export function orderIdKey(id: string): string {
  return foldWidth(id).replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}

export function orderIdCandidates(text: string): IdCandidate[] {
  const folded = foldWidth(text);
  const runs: { start: number; end: number; upper: string; word: boolean; joined: boolean }[] = [];
  let prevEnd = -1;
  for (const m of folded.matchAll(RUN)) {
    const s = m[0];
    runs.push({
      start: m.index,
      end: m.index + s.length,
      upper: s.toUpperCase(),
      word: /^[A-Za-z]+$/.test(s) && (s.length > 4 || s !== s.toUpperCase()),
      // Joined to the run before it by one separator.
      joined: prevEnd >= 0 && m.index - prevEnd <= 3 && JOIN.test(folded.slice(prevEnd, m.index)),
    });
    prevEnd = m.index + s.length;
  }
  const out: IdCandidate[] = [];
  for (let i = 0; i < runs.length; i++) {
    let key = '';
    let hasWord = false;
    for (let j = i; j < runs.length && j < i + MAX_TOKENS; j++) {
      const run = runs[j]!;
      if (j > i && !run.joined) break;
      key += run.upper;
      if (key.length > MAX_CHARS) break;
      hasWord ||= run.word;
      out.push({ text: text.slice(runs[i]!.start, run.end), start: runs[i]!.start, end: run.end, key, hasWord });
    }
  }
  return out;
}

/**
 * `orderIdCandidates` remembered for the text of a turn, which the dialogue manager's order
 * checks read three or four times (issue 16). Only for the masked text the dialogue reads: a
 * picture's raw text goes to `orderIdCandidates` itself, so no personal data is kept.
 */
export const turnIdCandidates: (maskedText: string) => readonly Readonly<IdCandidate>[] = remembered(orderIdCandidates, 256);
