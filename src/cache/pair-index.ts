/**
 * Candidate generation for the answer cache whose cost does not grow with the number of stored
 * questions (issue 16.2). Single-feature posting lists grow with the entries: in a shop's
 * questions every word recurs ("how long does X take"), so even a question's rarest word is held
 * by a share of all entries. Two questions at Jaccard >= t share at least
 * α = ceil(t·(n+m)/(1+t)) features (n, m their sizes); where α >= 2 they share a pair, and a pair
 * of rare words is held by a handful of questions however many are stored.
 *
 * Prefix filtering keeps that small (Chaudhuri et al.; Xiao et al., PPJoin): features are put in
 * one global order, rarest first; if |X ∩ Y| >= α, the first two shared features lie within the
 * first |X| - α + 2 features of X and the first |Y| - α + 2 of Y. A stored question of m features
 * is indexed under every pair of its first m - ceil(t0·m) + 2 (t0 = `pairMin`, the lowest
 * threshold served), keyed by its size m too; a search at min >= t0 looks, for each size m that
 * can reach min, at the pairs of its first n - α(n, m) + 2 features. Questions with fewer than two
 * features' worth of overlap to spare (ceil(t0·m) < 2) are kept under each feature instead.
 *
 * The order must not change while entries are indexed under it, so it is fixed at a rebuild (ranks
 * by how many questions hold each feature) and a feature first seen later ranks as rarer than all
 * ranked ones; the index is rebuilt whenever the entries have doubled since the last build.
 */
export interface PairIndex {
  /** Indexes `slot`; may rebuild every slot from `featuresAt` (sorted feature numbers; empty: free). */
  add(slot: number, features: Int32Array, featuresAt: readonly Int32Array[], size: number): void;
  remove(slot: number): void;
  clear(): void;
  /** Calls `consider` for every slot that can reach `min`; false when it cannot serve this search. */
  search(query: Int32Array, n: number, min: number, consider: (slot: number) => void): boolean;
}

/** Feature numbers fit in 22 bits and sizes in 6 (bigger sizes share the last partition) in a key. */
const MAX_FEATURE = 1 << 22;
const MAX_SIZE = 63;
const pairKey = (a: number, b: number, m: number): number => ((a < b ? a * MAX_FEATURE + b : b * MAX_FEATURE + a) * 64) + Math.min(m, MAX_SIZE);
const atLeast = (x: number): number => Math.ceil(x - 1e-9);

function put(map: Map<number, Set<number>>, k: number, slot: number): void {
  let set = map.get(k);
  if (set === undefined) map.set(k, (set = new Set()));
  set.add(slot);
}

function take(map: Map<number, Set<number>>, k: number, slot: number): void {
  const set = map.get(k);
  if (set === undefined) return;
  set.delete(slot);
  if (set.size === 0) map.delete(k);
}

/** Minimum shared features of two questions of n and m features at Jaccard >= min. */
const shared = (min: number, n: number, m: number): number => atLeast((min * (n + m)) / (1 + min));

/**
 * The search proper: singles sharing any feature, then for each size m that can reach `min` the
 * pairs of the first n - α + 2 features in rank order (features no stored question has go last:
 * they share nothing, so they take no prefix place). False when a size could match on one shared
 * feature and its questions are indexed by pairs (a low `min` under a high `pairMin`).
 */
function searchPairs(lists: Map<number, Set<number>>, singles: Map<number, Set<number>>, query: Int32Array, ordered: readonly number[], n: number, min: number, pairMin: number, consider: (slot: number) => void): boolean {
  const lo = Math.max(1, atLeast(min * n));
  const hi = Math.floor(n / min + 1e-9);
  for (let m = lo; m <= hi; m++) if (shared(min, n, m) < 2 && atLeast(pairMin * m) >= 2) return false;
  for (const f of query) for (const slot of singles.get(f) ?? []) consider(slot);
  for (let m = Math.max(2, lo); m <= hi; m++) {
    const alpha = shared(min, n, m);
    if (alpha < 2) continue;
    const prefix = ordered.slice(0, n - alpha + 2);
    for (let i = 0; i < prefix.length; i++) {
      for (let j = i + 1; j < prefix.length; j++) {
        const set = lists.get(pairKey(prefix[i]!, prefix[j]!, m));
        if (set !== undefined) for (const slot of set) consider(slot);
      }
    }
  }
  return true;
}

export function createPairIndex(pairMin: number, holders: (feature: number) => number): PairIndex {
  const lists = new Map<number, Set<number>>();
  const singles = new Map<number, Set<number>>();
  const keysAt: (number[] | undefined)[] = [];
  const singleAt: (Int32Array | undefined)[] = [];
  const rankOf = new Map<number, number>();
  let fresh = 0;
  let builtAt = 0;
  let usable = true;

  const rank = (f: number): number => {
    let r = rankOf.get(f);
    if (r === undefined) rankOf.set(f, (r = -++fresh));
    return r;
  };
  const byRank = (features: Int32Array): number[] => Array.from(features).sort((a, b) => rank(a) - rank(b));

  const index = (slot: number, features: Int32Array): void => {
    const m = features.length;
    if (m === 0) return;
    if (features[m - 1]! >= MAX_FEATURE) usable = false;
    const alpha = atLeast(pairMin * m);
    if (alpha < 2) {
      singleAt[slot] = features;
      for (const f of features) put(singles, f, slot);
      return;
    }
    const prefix = byRank(features).slice(0, m - alpha + 2);
    const keys: number[] = [];
    for (let i = 0; i < prefix.length; i++) for (let j = i + 1; j < prefix.length; j++) keys.push(pairKey(prefix[i]!, prefix[j]!, m));
    for (const k of keys) put(lists, k, slot);
    keysAt[slot] = keys;
  };

  const remove = (slot: number): void => {
    for (const k of keysAt[slot] ?? []) take(lists, k, slot);
    for (const f of singleAt[slot] ?? []) take(singles, f, slot);
    keysAt[slot] = undefined;
    singleAt[slot] = undefined;
  };

  const clear = (): void => {
    lists.clear();
    singles.clear();
    keysAt.length = 0;
    singleAt.length = 0;
    rankOf.clear();
    fresh = 0;
    builtAt = 0;
    usable = true;
  };

  /** New ranks from today's counts, every slot indexed again under them. */
  const rebuild = (featuresAt: readonly Int32Array[], size: number): void => {
    const all = new Set<number>();
    for (const fs of featuresAt) for (const f of fs) all.add(f);
    const ordered = [...all].sort((a, b) => holders(a) - holders(b) || a - b);
    clear();
    ordered.forEach((f, i) => rankOf.set(f, i));
    featuresAt.forEach((fs, slot) => index(slot, fs));
    builtAt = size;
  };

  return {
    add(slot, features, featuresAt, size) {
      remove(slot);
      if (size >= 256 && size >= 2 * builtAt) rebuild(featuresAt, size);
      else index(slot, features);
    },
    remove,
    clear,
    search(query, n, min, consider) {
      if (!usable || min < pairMin || min <= 0) return false;
      return searchPairs(lists, singles, query, byRank(query), n, min, pairMin, consider);
    },
  };
}
