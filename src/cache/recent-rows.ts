import type { CacheSource } from '../contracts/answer-cache.ts';

/** A row read for a hit, with its JSON columns parsed once. */
export interface ReadRow<R> {
  row: R;
  sources: readonly CacheSource[];
  docHashes: Readonly<Record<string, string>>;
}

/**
 * The entries recently served, kept as read: the same frequent questions are answered all day,
 * and reading and parsing the row on every hit was the part of a hit that touched the file
 * (issue 16.2). The owner forgets a row it writes or removes and empties the whole set when
 * another connection changed the file. Bounded; emptied when full. Cached answers hold no
 * personal data (personal questions are never cached).
 */
export function createRecentRows<R extends { sources: string; doc_hashes: string }>(read: (id: number) => R | undefined, max = 512) {
  const rows = new Map<number, ReadRow<R>>();
  return {
    get(id: number): ReadRow<R> | undefined {
      let hit = rows.get(id);
      if (hit === undefined) {
        const row = read(id);
        if (row === undefined) return undefined;
        hit = { row, sources: JSON.parse(row.sources) as CacheSource[], docHashes: JSON.parse(row.doc_hashes) as Record<string, string> };
        if (rows.size >= max) rows.clear();
        rows.set(id, hit);
      }
      return hit;
    },
    forget(id: number): void {
      rows.delete(id);
    },
    clear(): void {
      rows.clear();
    },
  };
}
