import { bm25Idf, bm25TermScore } from './bm25.ts';

interface PostingList {
  slots: number[];
  tfs: number[];
}

export interface ScoredChunk {
  chunkId: number;
  score: number;
  /** idf-weighted share of the query's distinct terms that occur in the chunk (0..1). */
  coverage: number;
}

/**
 * In-memory BM25 postings over chunk ids, mirrored from SQLite. Chunks live in dense "slots" so
 * scoring accumulates into a flat Float64Array; freed slots are reused. Document frequency is the
 * length of a term's posting list.
 */
export class Bm25Index {
  #slotOf = new Map<number, number>();
  #chunkIdAt: number[] = [];
  #lenAt: number[] = [];
  #free: number[] = [];
  #postings = new Map<string, PostingList>();
  #totalLen = 0;
  #count = 0;
  #acc = new Float64Array(0);
  #cov = new Float64Array(0);

  get chunkCount(): number {
    return this.#count;
  }

  get avgdl(): number {
    return this.#count === 0 ? 0 : this.#totalLen / this.#count;
  }

  df(term: string): number {
    return this.#postings.get(term)?.slots.length ?? 0;
  }

  idf(term: string): number {
    return bm25Idf(this.df(term), this.#count);
  }

  clear(): void {
    this.#slotOf.clear();
    this.#chunkIdAt = [];
    this.#lenAt = [];
    this.#free = [];
    this.#postings.clear();
    this.#totalLen = 0;
    this.#count = 0;
  }

  /** Register a chunk (its length in terms); postings are added with `addPosting`. */
  addChunk(chunkId: number, len: number): void {
    if (this.#slotOf.has(chunkId)) throw new Error(`chunk ${chunkId} already indexed`);
    const slot = this.#free.pop() ?? this.#chunkIdAt.length;
    this.#slotOf.set(chunkId, slot);
    this.#chunkIdAt[slot] = chunkId;
    this.#lenAt[slot] = len;
    this.#totalLen += len;
    this.#count++;
  }

  addPosting(term: string, chunkId: number, tf: number): void {
    const slot = this.#slotOf.get(chunkId);
    if (slot === undefined) throw new Error(`chunk ${chunkId} is not indexed`);
    let list = this.#postings.get(term);
    if (list === undefined) {
      list = { slots: [], tfs: [] };
      this.#postings.set(term, list);
    }
    list.slots.push(slot);
    list.tfs.push(tf);
  }

  addChunkTerms(chunkId: number, len: number, terms: ReadonlyMap<string, number>): void {
    this.addChunk(chunkId, len);
    for (const [term, tf] of terms) this.addPosting(term, chunkId, tf);
  }

  /** Remove a chunk; `terms` are the terms it was indexed under (read back from storage). */
  removeChunk(chunkId: number, terms: Iterable<string>): void {
    const slot = this.#slotOf.get(chunkId);
    if (slot === undefined) return;
    for (const term of terms) {
      const list = this.#postings.get(term);
      if (list === undefined) continue;
      const i = list.slots.indexOf(slot);
      if (i < 0) continue;
      const lastSlot = list.slots.pop() ?? slot;
      const lastTf = list.tfs.pop() ?? 0;
      if (i < list.slots.length) {
        list.slots[i] = lastSlot;
        list.tfs[i] = lastTf;
      }
      if (list.slots.length === 0) this.#postings.delete(term);
    }
    this.#totalLen -= this.#lenAt[slot] ?? 0;
    this.#count--;
    this.#lenAt[slot] = 0;
    this.#slotOf.delete(chunkId);
    this.#free.push(slot);
  }

  /**
   * Top `k` chunks by BM25 for the (deduplicated) query terms, best first; ties by chunk id.
   * `optional` terms the index has never seen do not count against coverage.
   */
  search(terms: readonly string[], k: number, optional: ReadonlySet<string> = new Set()): ScoredChunk[] {
    if (k <= 0 || this.#count === 0) return [];
    const size = this.#chunkIdAt.length;
    if (this.#acc.length < size) {
      this.#acc = new Float64Array(Math.max(size, this.#acc.length * 2));
      this.#cov = new Float64Array(this.#acc.length);
    }
    const acc = this.#acc;
    const cov = this.#cov;
    const touched: number[] = [];
    const avgdl = this.avgdl;
    let queryIdf = 0;
    for (const term of new Set(terms)) {
      const list = this.#postings.get(term);
      if (list === undefined && optional.has(term)) continue;
      // A term the index has never seen weighs as the rarest possible term: not covered.
      const idf = bm25Idf(list?.slots.length ?? 0, this.#count);
      queryIdf += idf;
      if (list === undefined) continue;
      const { slots, tfs } = list;
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i] ?? 0;
        if (acc[slot] === 0) touched.push(slot);
        acc[slot] = (acc[slot] ?? 0) + bm25TermScore(idf, tfs[i] ?? 0, this.#lenAt[slot] ?? 0, avgdl);
        cov[slot] = (cov[slot] ?? 0) + idf;
      }
    }
    const top: ScoredChunk[] = [];
    for (const slot of touched) {
      const score = acc[slot] ?? 0;
      const coverage = queryIdf > 0 ? Math.min(1, (cov[slot] ?? 0) / queryIdf) : 0;
      acc[slot] = 0;
      cov[slot] = 0;
      const chunkId = this.#chunkIdAt[slot] ?? -1;
      if (top.length === k) {
        const worst = top[k - 1];
        if (worst === undefined || score < worst.score || (score === worst.score && chunkId > worst.chunkId)) continue;
        top.pop();
      }
      let i = top.length;
      while (i > 0) {
        const prev = top[i - 1];
        if (prev === undefined || prev.score > score || (prev.score === score && prev.chunkId < chunkId)) break;
        i--;
      }
      top.splice(i, 0, { chunkId, score, coverage });
    }
    return top;
  }
}
