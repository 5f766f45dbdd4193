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
  interface Stored { id: number; group: string; value: T; features: Int32Array }
  const entries = new Map<number, Stored>();
  const postings = new Map<number, Set<number>>();
  // Features are numbered per group (interned), so a candidate is scored by merging two sorted
  // integer arrays instead of hashing strings: the work per candidate is what grows with entries.
  const numbers = new Map<string, number>();
  const key = (group: string, feature: string): string => `${group}\u0000${feature}`;
  const numberOf = (k: string): number => {
    let n = numbers.get(k);
    if (n === undefined) numbers.set(k, (n = numbers.size));
    return n;
  };
  let scored = 0;

  const remove = (id: number): void => {
    const e = entries.get(id);
    if (e === undefined) return;
    entries.delete(id);
    for (const f of e.features) {
      const list = postings.get(f);
      if (list === undefined) continue;
      list.delete(id);
      if (list.size === 0) postings.delete(f);
    }
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
      return entries.size;
    },
    get scored() {
      return scored;
    },
    add(entry) {
      remove(entry.id);
      const features = Int32Array.from(entry.features, (f) => numberOf(key(entry.group, f))).sort();
      entries.set(entry.id, { id: entry.id, group: entry.group, value: entry.value, features });
      for (const f of features) {
        let list = postings.get(f);
        if (list === undefined) postings.set(f, (list = new Set()));
        list.add(entry.id);
      }
    },
    remove,
    clear() {
      entries.clear();
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
        if (num === undefined) {
          lists.push(new Set());
          continue;
        }
        known.push(num);
        lists.push(postings.get(num) ?? new Set());
      }
      const query = Int32Array.from(known).sort();
      lists.sort((a, b) => a.size - b.size);
      const seen = new Set<number>();
      const out: ScoredQuestion<T>[] = [];
      for (const list of lists.slice(0, n - Math.min(required, n) + 1)) {
        for (const id of list) {
          if (seen.has(id)) continue;
          seen.add(id);
          scored++;
          const e = entries.get(id);
          // Jaccard is at most the smaller size over the larger: a size check before the merge.
          const m = e?.features.length ?? 0;
          if (e === undefined || Math.min(m, n) < min * Math.max(m, n) - 1e-9 || (accept !== undefined && !accept(e.value))) continue;
          const inter = overlap(query, e.features);
          // The same expression as `jaccard` (normalise.ts), so scores and ties are identical.
          const score = inter / (n + m - inter);
          if (score > 0 && score >= min) out.push({ id, score, value: e.value });
        }
      }
      return out.sort((a, b) => b.score - a.score || a.id - b.id);
    },
  };
}
