/**
 * Splits a token stream into sentences so each can be checked before the user sees it: the
 * output side of "hold back or rewrite before text reaches the user", at sentence granularity
 * so streaming still feels live. `pending` exposes the sentence in progress so its safe beginning
 * can be released early (see `releasePoint`).
 */
const BOUNDARY = /[。！？!?；;\n]|\.(?=\s|$)/g;

export class SentenceHoldback {
  private buffer = '';

  /** Adds text; returns the complete sentences now available (in order). */
  push(text: string): string[] {
    // The buffer holds no boundary but perhaps a "." at its very end: only from there on can a new
    // one be, so a token costs its own length, not the sentence's so far (issue 16).
    BOUNDARY.lastIndex = Math.max(0, this.buffer.length - 1);
    this.buffer += text;
    const out: string[] = [];
    let cut = 0;
    for (let m = BOUNDARY.exec(this.buffer); m !== null; m = BOUNDARY.exec(this.buffer)) {
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

  /** Whatever is left when the stream ends. */
  flush(): string {
    const rest = this.buffer;
    this.buffer = '';
    return rest;
  }
}
