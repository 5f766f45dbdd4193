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

/**
 * Where the sentence in progress can be cut after its last finished clause: the index just past
 * the last clause mark, or 0. A mark right after a digit is not a clause end when a digit follows
 * ("1,299", "10:30", "1，299" which the figure check reads as 1299) or when nothing follows yet.
 * Without marks, English text longer than `longUnits` words may be cut at its last space (not
 * next to a digit, so "139 1234 5678" stays whole).
 */
export function clauseCut(text: string, longUnits = 24): number {
  let cut = 0;
  for (const m of text.matchAll(CLAUSE)) {
    const before = text[m.index - 1] ?? '';
    const after = text[m.index + 1];
    if (DIGIT.test(before) && (after === undefined || DIGIT.test(after))) continue;
    if (after === undefined && m[0] === '—') continue;
    cut = m.index + 1;
  }
  if (cut > 0) return cut;
  if ((text.match(/[a-zA-Z]{3,}/g)?.length ?? 0) < longUnits) return 0;
  for (let i = text.length - 1; i > 0; i--) {
    if (text[i] === ' ' && !DIGIT.test(text[i - 1]!) && !DIGIT.test(text[i + 1] ?? '')) return i + 1;
  }
  return 0;
}
