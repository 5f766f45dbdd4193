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

/**
 * Inverted index from a feature to the questions holding it, searched with prefix filtering:
 * a question with Jaccard >= t to a query of n features shares at least ceil(t·n) of them (the
 * union is at least n), so it holds at least one of any n - ceil(t·n) + 1 of the query's features.
 * Those are taken from the rarest, so a lookup reads the short posting lists and skips the common
 * words every question has; its cost follows how many questions share rare words with the query,
 * not how many are stored.
 */
export function createFeatureIndex<T>(): FeatureIndex<T> {
  // Questions live in dense slots (parallel arrays) and posting lists hold slots: a candidate is
  // rejected on its size or scored without chasing a map entry and an object per question, which
  // at 50k questions cost about a microsecond each in cache misses.
  const slotOf = new Map<number, number>();
  const idAt: number[] = [];
  const valueAt: (T | undefined)[] = [];
  const featuresAt: Int32Array[] = [];
  const sizeAt: number[] = [];
  const free: number[] = [];
  let seenAt = new Uint32Array(1024);
  let stamp = 0;
  const postings = new Map<number, Set<number>>();
  // Features are numbered per group (interned), so a candidate is scored by merging two sorted
  // integer arrays instead of hashing strings.
  const numbers = new Map<string, number>();
  const key = (group: string, feature: string): string => `${group}\u0000${feature}`;
  const numberOf = (k: string): number => {
    let n = numbers.get(k);
    if (n === undefined) numbers.set(k, (n = numbers.size));
    return n;
  };
  const EMPTY = new Int32Array(0);
  let scored = 0;

  const remove = (id: number): void => {
    const slot = slotOf.get(id);
    if (slot === undefined) return;
    slotOf.delete(id);
    for (const f of featuresAt[slot]!) {
      const list = postings.get(f);
      if (list === undefined) continue;
      list.delete(slot);
      if (list.size === 0) postings.delete(f);
    }
    idAt[slot] = -1;
    valueAt[slot] = undefined;
    featuresAt[slot] = EMPTY;
    sizeAt[slot] = 0;
    free.push(slot);
  };

  /** |a ∩ b| of two sorted arrays of distinct numbers. */
  const overlap = (a: Int32Array, b: Int32Array): number => {
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
  };

  return {
    get size() {
      return slotOf.size;
    },
    get scored() {
      return scored;
    },
    add(entry) {
      remove(entry.id);
      const features = Int32Array.from(entry.features, (f) => numberOf(key(entry.group, f))).sort();
      const slot = free.pop() ?? idAt.length;
      slotOf.set(entry.id, slot);
      idAt[slot] = entry.id;
      valueAt[slot] = entry.value;
      featuresAt[slot] = features;
      sizeAt[slot] = features.length;
      if (slot >= seenAt.length) {
        const grown = new Uint32Array(seenAt.length * 2);
        grown.set(seenAt);
        seenAt = grown;
      }
      for (const f of features) {
        let list = postings.get(f);
        if (list === undefined) postings.set(f, (list = new Set()));
        list.add(slot);
      }
    },
    remove,
    clear() {
      slotOf.clear();
      idAt.length = 0;
      valueAt.length = 0;
      featuresAt.length = 0;
      sizeAt.length = 0;
      free.length = 0;
      postings.clear();
      numbers.clear();
    },
    search(group, features, min, accept) {
      const n = features.size;
      if (n === 0) return [];
      // The 1e-9 keeps a product like 0.65 × 20 = 13.000000000000002 from asking one too many.
      const required = Math.max(1, Math.ceil(min * n - 1e-9));
      // A feature no stored question has counts in n but can match nothing.
      const known: number[] = [];
      const lists: Set<number>[] = [];
      for (const f of features) {
        const num = numbers.get(key(group, f));
        if (num === undefined) continue;
        known.push(num);
        const list = postings.get(num);
        if (list !== undefined) lists.push(list);
      }
      const query = Int32Array.from(known).sort();
      lists.sort((a, b) => a.size - b.size);
      // Missing features are the emptiest lists: they use up prefix places too.
      const prefix = n - Math.min(required, n) + 1 - (n - lists.length);
      if (++stamp === 0xffffffff) {
        seenAt.fill(0);
        stamp = 1;
      }
      const out: ScoredQuestion<T>[] = [];
      for (let l = 0; l < prefix; l++) {
        for (const slot of lists[l]!) {
          if (seenAt[slot] === stamp) continue;
          seenAt[slot] = stamp;
          scored++;
          const m = sizeAt[slot]!;
          // Jaccard is at most the smaller size over the larger: a size check before the merge.
          if (Math.min(m, n) < min * Math.max(m, n) - 1e-9) continue;
          const value = valueAt[slot] as T;
          if (accept !== undefined && !accept(value)) continue;
          const inter = overlap(query, featuresAt[slot]!);
          // The same expression as `jaccard` (normalise.ts), so scores and ties are identical.
          const score = inter / (n + m - inter);
          if (score > 0 && score >= min) out.push({ id: idAt[slot]!, score, value });
        }
      }
      return out.sort((a, b) => b.score - a.score || a.id - b.id);
    },
  };
}
