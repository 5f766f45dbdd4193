/**
 * Splits a token stream into sentences so each can be checked before the user sees it: the
 * output side of "hold back or rewrite before text reaches the user", at sentence granularity
 * so streaming still feels live.
 */
const BOUNDARY = /[。！？!?；;\n]|\.(?=\s|$)/g;

export class SentenceHoldback {
  private pending = '';

  /** Adds text; returns the complete sentences now available (in order). */
  push(text: string): string[] {
    this.pending += text;
    const out: string[] = [];
    let cut = 0;
    for (const m of this.pending.matchAll(BOUNDARY)) {
      const end = m.index + m[0].length;
      // A "." directly at the end of the buffer may be a decimal point: wait for more text.
      if (m[0] === '.' && end === this.pending.length) continue;
      out.push(this.pending.slice(cut, end));
      cut = end;
    }
    this.pending = this.pending.slice(cut);
    return out;
  }

  /** Whatever is left when the stream ends. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }
}
