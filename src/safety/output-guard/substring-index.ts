/**
 * Which lengths of common text another string shares with one indexed text: a suffix automaton over
 * the indexed text's UTF-16 code units, built once. `sharesRunOf` walks the other string once,
 * tracking the longest suffix of what it has read that occurs in the indexed text (linear in the
 * string; each step follows at most as many suffix links as characters it has read). The output
 * guard asks it before looking for each of a source's shingles in a reply: no run as long as a
 * shingle, no shingle (issue 16: the prompt-leak rule searched the reply for 117 shingles on every
 * released piece of a streamed reply).
 */
export class SubstringIndex {
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly link: number[] = [-1];
  private readonly len: number[] = [0];

  constructor(text: string) {
    let last = 0;
    for (let i = 0; i < text.length; i++) last = this.extend(last, text.charCodeAt(i));
  }

  /** Whether `text` holds a substring of the indexed text at least `n` code units long (n ≥ 1). */
  sharesRunOf(text: string, n: number): boolean {
    let state = 0;
    let run = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      while (state !== 0 && !this.next[state]!.has(c)) {
        state = this.link[state]!;
        run = this.len[state]!;
      }
      const to = this.next[state]!.get(c);
      if (to === undefined) run = 0;
      else {
        state = to;
        run++;
      }
      if (run >= n) return true;
    }
    return false;
  }

  private extend(last: number, c: number): number {
    const cur = this.addState(this.len[last]! + 1, -1, new Map());
    let p = last;
    while (p !== -1 && !this.next[p]!.has(c)) {
      this.next[p]!.set(c, cur);
      p = this.link[p]!;
    }
    if (p === -1) {
      this.link[cur] = 0;
      return cur;
    }
    const q = this.next[p]!.get(c)!;
    if (this.len[p]! + 1 === this.len[q]) {
      this.link[cur] = q;
      return cur;
    }
    const clone = this.addState(this.len[p]! + 1, this.link[q]!, new Map(this.next[q]!));
    while (p !== -1 && this.next[p]!.get(c) === q) {
      this.next[p]!.set(c, clone);
      p = this.link[p]!;
    }
    this.link[q] = clone;
    this.link[cur] = clone;
    return cur;
  }

  private addState(len: number, link: number, next: Map<number, number>): number {
    this.len.push(len);
    this.link.push(link);
    this.next.push(next);
    return this.len.length - 1;
  }
}
