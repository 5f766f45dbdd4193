/**
 * Splits a token stream into sentences so each can be checked before the user sees it: the
 * output side of "hold back or rewrite before text reaches the user", at sentence granularity
 * so streaming still feels live. `pending`/`take` expose the sentence in progress so finished
 * clauses of it can be released early (see `clauseCut`).
 */
const BOUNDARY = /[。！？!?；;\n]|\.(?=\s|$)/g;

export class SentenceHoldback {
  private buffer = '';

  /** Adds text; returns the complete sentences now available (in order). */
  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    let cut = 0;
    for (const m of this.buffer.matchAll(BOUNDARY)) {
      const end = m.index + m[0].length;
      // A "." directly at the end of the buffer may be a decimal point: wait for more text.
      if (m[0] === '.' && end === this.buffer.length) continue;
      out.push(this.buffer.slice(cut, end));
      cut = end;
    }
    this.buffer = this.buffer.slice(cut);
    return out;
  }

  /** The sentence in progress (not yet ended). */
  get pending(): string {
    return this.buffer;
  }

  /** Removes the first `n` characters of the sentence in progress (they were released). */
  take(n: number): void {
    this.buffer = this.buffer.slice(n);
  }

  /** Whatever is left when the stream ends. */
  flush(): string {
    const rest = this.buffer;
    this.buffer = '';
    return rest;
  }
}

/** Clause ends inside a sentence: Chinese and Latin commas, enumeration commas, colons, dashes. */
const CLAUSE = /[，、：,:—]/g;
const DIGIT = /\d/;
/** Characters after which a figure may still go on ("12" → "12.5", "1," → "1,299"). */
const FIGURE_OPEN = /[\d.,，:：]$/;
/** Characters kept back at a cut inside a Chinese clause: rule words are at most this plus one long. */
const HAN_KEPT = 4;
/** Words kept back at a cut inside an English clause ("done as you asked" is the longest rule start). */
const WORDS_KEPT = 3;

export interface ClauseCut {
  /** Index just past the releasable part of the sentence in progress; 0 when nothing is. */
  at: number;
  /** Whether it ends at a clause mark, or inside a clause (a long run without marks). */
  mark: boolean;
}

/**
 * Where the sentence in progress can be cut. After its last finished clause: just past the last
 * clause mark, except a mark right after a digit when a digit follows ("1,299", "10:30", "1，299"
 * which the figure check reads as 1299) or nothing follows yet. Without a mark, once the clause
 * has `longUnits` Han characters or words: four Han characters before its end (Chinese) or at the
 * space before its last three words (English), never where a figure could still go on nor next to a digit ("139 1234
 * 5678" stays whole).
 */
export function clauseCut(text: string, longUnits = 10): ClauseCut {
  let mark = 0;
  for (const m of text.matchAll(CLAUSE)) {
    const before = text[m.index - 1] ?? '';
    const after = text[m.index + 1];
    if (DIGIT.test(before) && (after === undefined || DIGIT.test(after))) continue;
    if (after === undefined && m[0] === '—') continue;
    mark = m.index + 1;
  }
  // A long run after the last mark (or without any) may be cut inside.
  const inside = cutInside(text.slice(mark), longUnits);
  return inside > 0 ? { at: mark + inside, mark: false } : { at: mark, mark: mark > 0 };
}

function cutInside(run: string, longUnits: number): number {
  if ((run.match(/\p{Script=Han}|[a-zA-Z]{3,}/gu)?.length ?? 0) < longUnits) return 0;
  // Chinese: the last characters stay, so a word cut in two ("白" | "痴") is still seen whole
  // by the caller's look at the whole text before anything up to the cut is released.
  const han = run.length - HAN_KEPT;
  if (han > 0 && /\p{Script=Han}/u.test(run[han - 1]!) && /\p{Script=Han}/u.test(run.slice(han))) return han;
  // English: the last words stay back, so a rule of a few words ("all done") is seen whole.
  let spaces = 0;
  for (let i = run.length - 1; i > 0; i--) {
    if (run[i] !== ' ' || ++spaces <= WORDS_KEPT) continue;
    if (!FIGURE_OPEN.test(run.slice(0, i)) && !DIGIT.test(run[i + 1] ?? '')) return i + 1;
  }
  return 0;
}
