/** Languages the cache normalises questions for. */
export type CacheLang = 'zh' | 'en';

export interface CacheSource {
  id: string;
  title: string;
  score: number;
  url?: string;
}

export interface CacheEntryInput {
  question: string;
  lang: CacheLang;
  /** The NLU intent; null or undefined when unknown (pre-generated answers). */
  intent?: string | null;
  answer: string;
  sources: CacheSource[];
  /** Content hash of every cited document when the answer was made. */
  docHashes: Record<string, string>;
  model: string;
}

export interface CacheHit {
  id: number;
  question: string;
  answer: string;
  sources: CacheSource[];
  model: string;
  match: 'exact' | 'lexical';
  /** 1 for an exact match; the similarity otherwise. */
  score: number;
}

export interface LookupOptions {
  lang: CacheLang;
  intent?: string | null;
  /** Overrides the cache's threshold (evaluation). */
  threshold?: number;
}

export interface CacheStats {
  entries: number;
  hits: number;
  misses: number;
  hitRate: number;
}

export interface AnswerCache {
  lookup(question: string, options: LookupOptions): CacheHit | null;
  /** `lookup` for callers that may be served by a remote cache (the Redis-replicated one awaits its replica). */
  lookupAsync(question: string, options: LookupOptions): Promise<CacheHit | null>;
  /** Stores (or replaces) an answer; returns false when the question may not be cached. */
  store(entry: CacheEntryInput): boolean;
  /**
   * Drops the entry stored under this question (as stored: `CacheHit.question` or what `store`
   * got), when what followed the answer says it was not sound; returns whether there was one.
   */
  evict(question: string, lang: CacheLang): boolean;
  /** Drops every entry citing one of these documents; returns how many. */
  invalidateDocs(docIds: readonly string[]): number;
  /** Stores many pre-generated answers in one transaction; returns how many were stored. */
  warm(entries: readonly CacheEntryInput[], onProgress?: (done: number, total: number) => void): number;
  stats(): CacheStats;
  /** Stored questions the lexical pass has scored so far (benchmark: does a lookup's work grow with entries?). */
  scoredCandidates?(): number;
  clear(): number;
  close(): void;
}
