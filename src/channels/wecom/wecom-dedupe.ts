/**
 * Remembers which WeCom deliveries were already taken: WeCom redelivers a message it got no
 * answer to within five seconds (three times), and each delivery must be answered only once.
 */
export interface WecomDedupe {
  /** True the first time `key` is seen within the retention period; false for every repeat (a promise from a shared store). */
  firstTime(key: string): boolean | Promise<boolean>;
  /** How long a key is remembered (ms): the route checks it outlasts a timestamp's freshness. */
  readonly retentionMs?: number;
}

export interface MemoryWecomDedupeOptions {
  /** How long a key is remembered. Default one hour (WeCom retries within about 15 seconds). */
  ttlMs?: number;
  /** The oldest keys are forgotten beyond this many. Default 10 000. */
  maxEntries?: number;
  now?: () => number;
}

/** One process's memory: enough for a single Kefu; use the SQLite one when processes share a callback, the Redis one when nodes do. */
export function createMemoryWecomDedupe(options: MemoryWecomDedupeOptions = {}): WecomDedupe {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be an integer ≥ 1');
  // Insertion order is age order: a Map iterates oldest first.
  const seen = new Map<string, number>();
  return {
    retentionMs: ttlMs,
    firstTime(key) {
      const at = now();
      const was = seen.get(key);
      if (was !== undefined && at - was <= ttlMs) return false;
      seen.delete(key);
      // Forget the expired, oldest first, and the oldest beyond the limit.
      for (const [k, t] of seen) {
        if (at - t <= ttlMs && seen.size < maxEntries) break;
        seen.delete(k);
      }
      seen.set(key, at);
      return true;
    },
  };
}
