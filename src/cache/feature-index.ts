import { jaccard } from './normalise.ts';

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
  const entries = new Map<number, IndexedQuestion<T>>();
  const postings = new Map<string, Set<number>>();
  const key = (group: string, feature: string): string => `${group}\u0000${feature}`;

  const remove = (id: number): void => {
    const e = entries.get(id);
    if (e === undefined) return;
    entries.delete(id);
    for (const f of e.features) {
      const k = key(e.group, f);
      const list = postings.get(k);
      if (list === undefined) continue;
      list.delete(id);
      if (list.size === 0) postings.delete(k);
    }
  };

  return {
    get size() {
      return entries.size;
    },
    add(entry) {
      remove(entry.id);
      entries.set(entry.id, entry);
      for (const f of entry.features) {
        const k = key(entry.group, f);
        let list = postings.get(k);
        if (list === undefined) postings.set(k, (list = new Set()));
        list.add(entry.id);
      }
    },
    remove,
    clear() {
      entries.clear();
      postings.clear();
    },
    search(group, features, min, accept) {
      const n = features.size;
      if (n === 0) return [];
      // The 1e-9 keeps a product like 0.65 × 20 = 13.000000000000002 from asking one too many.
      const required = Math.max(1, Math.ceil(min * n - 1e-9));
      const lists: Set<number>[] = [];
      for (const f of features) lists.push(postings.get(key(group, f)) ?? new Set());
      lists.sort((a, b) => a.size - b.size);
      const seen = new Set<number>();
      const out: ScoredQuestion<T>[] = [];
      for (const list of lists.slice(0, n - Math.min(required, n) + 1)) {
        for (const id of list) {
          if (seen.has(id)) continue;
          seen.add(id);
          const e = entries.get(id);
          if (e === undefined || (accept !== undefined && !accept(e.value))) continue;
          const score = jaccard(features, e.features);
          if (score > 0 && score >= min) out.push({ id, score, value: e.value });
        }
      }
      return out.sort((a, b) => b.score - a.score || a.id - b.id);
    },
  };
}
