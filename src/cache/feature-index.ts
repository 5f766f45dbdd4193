import { createPairIndex, type PairIndex } from './pair-index.ts';

export interface IndexedQuestion<T> {
  id: number;
  /** Questions are only compared within one group (the language). */
  group: string;
  features: ReadonlySet<string>;
  value: T;
}

export interface ScoredQuestion<T> {
  id: number;
  score: number;
  value: T;
}

export interface FeatureIndex<T> {
  add(entry: IndexedQuestion<T>): void;
  remove(id: number): void;
  clear(): void;
  readonly size: number;
  /** Posting entries read by all searches so far (what a lookup's cost follows; for the benchmark). */
  readonly scored: number;
  /**
   * Every question of the group whose Jaccard similarity to `features` is at least `min` (and
   * above 0) and that `accept` keeps, best first, ties by id: what a scan over all of them would
   * return, without looking at questions that cannot reach `min`.
   */
  search(group: string, features: ReadonlySet<string>, min: number, accept?: (value: T) => boolean): ScoredQuestion<T>[];
}

export interface FeatureIndexOptions {
  /**
   * The lowest `min` the pair index serves (the answer cache's threshold); a search under it
   * reads the single-feature posting lists instead (same answers, cost grows with entries).
   */
  pairMin?: number;
}

/** |a ∩ b| of two sorted arrays of distinct numbers. */
function overlap(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return inter;
}

const EMPTY = new Int32Array(0);

/**
 * Questions in dense slots (parallel arrays), so a candidate is rejected on its size or scored
 * without chasing a map entry and an object per question (at 50k questions that cost about a
 * microsecond each in cache misses). Features are numbered per group (interned) and kept sorted,
 * so a candidate is scored by merging two integer arrays.
 */
class Slots<T> {
  readonly slotOf = new Map<number, number>();
  readonly idAt: number[] = [];
  readonly valueAt: (T | undefined)[] = [];
  readonly featuresAt: Int32Array[] = [];
  readonly free: number[] = [];
  seenAt = new Uint32Array(1024);
  stamp = 0;
  scored = 0;

  put(id: number, value: T, features: Int32Array): number {
    const slot = this.free.pop() ?? this.idAt.length;
    this.slotOf.set(id, slot);
    this.idAt[slot] = id;
    this.valueAt[slot] = value;
    this.featuresAt[slot] = features;
    if (slot >= this.seenAt.length) {
      const grown = new Uint32Array(this.seenAt.length * 2);
      grown.set(this.seenAt);
      this.seenAt = grown;
    }
    return slot;
  }

  drop(slot: number): void {
    this.slotOf.delete(this.idAt[slot]!);
    this.idAt[slot] = -1;
    this.valueAt[slot] = undefined;
    this.featuresAt[slot] = EMPTY;
    this.free.push(slot);
  }

  clear(): void {
    this.slotOf.clear();
    this.idAt.length = 0;
    this.valueAt.length = 0;
    this.featuresAt.length = 0;
    this.free.length = 0;
  }

  /** A new search: every slot unseen. */
  nextStamp(): number {
    if (++this.stamp === 0xffffffff) {
      this.seenAt.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  /** Scores one slot against the query once per search; pushes it when it reaches `min`. */
  consider(slot: number, query: Int32Array, n: number, min: number, accept: ((value: T) => boolean) | undefined, out: ScoredQuestion<T>[]): void {
    if (this.seenAt[slot] === this.stamp) return;
    this.seenAt[slot] = this.stamp;
    this.scored++;
    const features = this.featuresAt[slot]!;
    const m = features.length;
    // Jaccard is at most the smaller size over the larger: a size check before the merge.
    if (Math.min(m, n) < min * Math.max(m, n) - 1e-9) return;
    const value = this.valueAt[slot] as T;
    if (accept !== undefined && !accept(value)) return;
    const inter = overlap(query, features);
    // The same expression as `jaccard` (normalise.ts), so scores and ties are identical.
    const score = inter / (n + m - inter);
    if (score > 0 && score >= min) out.push({ id: this.idAt[slot]!, score, value });
  }
}

/**
 * Inverted index from a feature to the questions holding it. A search at or above `pairMin`
 * goes through the pair index (`pair-index.ts`: pairs of rare features, by candidate size), whose
 * cost does not grow with the number of questions; under it, prefix filtering over single
 * features: a question with Jaccard >= t to a query of n features shares at least ceil(t·n) of
 * them, so it holds one of the query's n - ceil(t·n) + 1 rarest features.
 */
export function createFeatureIndex<T>(options: FeatureIndexOptions = {}): FeatureIndex<T> {
  const slots = new Slots<T>();
  const postings = new Map<number, Set<number>>();
  const numbers = new Map<string, number>();
  const pairs: PairIndex = createPairIndex(options.pairMin ?? 0.65, (f) => postings.get(f)?.size ?? 0);
  const key = (group: string, feature: string): string => `${group}\u0000${feature}`;
  const numberOf = (k: string): number => {
    let n = numbers.get(k);
    if (n === undefined) numbers.set(k, (n = numbers.size));
    return n;
  };

  const remove = (id: number): void => {
    const slot = slots.slotOf.get(id);
    if (slot === undefined) return;
    pairs.remove(slot);
    for (const f of slots.featuresAt[slot]!) {
      const list = postings.get(f);
      if (list === undefined) continue;
      list.delete(slot);
      if (list.size === 0) postings.delete(f);
    }
    slots.drop(slot);
  };

  return {
    get size() {
      return slots.slotOf.size;
    },
    get scored() {
      return slots.scored;
    },
    add(entry) {
      remove(entry.id);
      const features = Int32Array.from(entry.features, (f) => numberOf(key(entry.group, f))).sort();
      const slot = slots.put(entry.id, entry.value, features);
      for (const f of features) {
        let list = postings.get(f);
        if (list === undefined) postings.set(f, (list = new Set()));
        list.add(slot);
      }
      pairs.add(slot, features, slots.featuresAt, slots.slotOf.size);
    },
    remove,
    clear() {
      slots.clear();
      postings.clear();
      numbers.clear();
      pairs.clear();
    },
    search(group, features, min, accept) {
      const n = features.size;
      if (n === 0) return [];
      const known: number[] = [];
      for (const f of features) {
        const num = numbers.get(key(group, f));
        if (num !== undefined) known.push(num);
      }
      const query = Int32Array.from(known).sort();
      const out: ScoredQuestion<T>[] = [];
      slots.nextStamp();
      const consider = (slot: number): void => slots.consider(slot, query, n, min, accept, out);
      if (!pairs.search(query, n, min, consider)) searchSingles(postings, query, n, min, consider);
      return out.sort((a, b) => b.score - a.score || a.id - b.id);
    },
  };
}

/** Prefix filtering over single features: reads the n - ceil(min·n) + 1 shortest lists. */
function searchSingles(postings: Map<number, Set<number>>, query: Int32Array, n: number, min: number, consider: (slot: number) => void): void {
  // The 1e-9 keeps a product like 0.65 × 20 = 13.000000000000002 from asking one too many.
  const required = Math.max(1, Math.ceil(min * n - 1e-9));
  const lists: Set<number>[] = [];
  for (const f of query) {
    const list = postings.get(f);
    if (list !== undefined) lists.push(list);
  }
  lists.sort((a, b) => a.size - b.size);
  // Features no stored question has are the emptiest lists: they use up prefix places too.
  const prefix = n - Math.min(required, n) + 1 - (n - lists.length);
  for (let l = 0; l < prefix; l++) for (const slot of lists[l]!) consider(slot);
}
