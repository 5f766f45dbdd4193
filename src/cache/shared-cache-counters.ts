import type { Redis } from 'ioredis';

/**
 * The answer cache's hit and miss counters for the whole cluster, in one Redis hash
 * (`<prefix>:cache:stats`). Each node counts in memory and adds its counts with HINCRBY at most
 * every `flushMs` (a lookup is not a network write), reading back the cluster's totals in the
 * same round trip; `totals()` is those plus what this node has not sent yet.
 */
export interface SharedCacheCounters {
  hit(): void;
  miss(): void;
  totals(): { hits: number; misses: number };
  /** Reads the cluster's totals (at start). */
  load(): Promise<void>;
  /** Sends this node's counts now and reads the totals back. */
  flush(): Promise<void>;
  /** Forgets every count, here and (with the MULTI given) in Redis. */
  reset(multi: ReturnType<Redis['multi']>): ReturnType<Redis['multi']>;
  stop(): void;
}

export function createSharedCacheCounters(redis: Redis, key: string, options: { flushMs?: number; onError?: (err: unknown) => void } = {}): SharedCacheCounters {
  let pendingHits = 0;
  let pendingMisses = 0;
  let shared = { hits: 0, misses: 0 };
  let chain: Promise<void> = Promise.resolve();
  let queued = 0;

  const send = async (): Promise<void> => {
    const hits = pendingHits;
    const misses = pendingMisses;
    pendingHits = 0;
    pendingMisses = 0;
    try {
      const replies = await redis.multi().hincrby(key, 'hits', hits).hincrby(key, 'misses', misses).exec();
      const [h, m] = (replies ?? []).map(([err, value]) => (err === null ? Number(value) : Number.NaN));
      if (h !== undefined && m !== undefined && Number.isFinite(h) && Number.isFinite(m)) shared = { hits: h, misses: m };
    } catch (err) {
      // Not sent: counted again with the next flush.
      pendingHits += hits;
      pendingMisses += misses;
      options.onError?.(err);
    }
  };
  // One send at a time, in order: a flush returns once everything counted before it was sent
  // (joining a send already under way would miss what was counted after that one started).
  const flush = (): Promise<void> => {
    queued++;
    chain = chain.then(send).finally(() => {
      queued--;
    });
    return chain;
  };
  // Also when this node counted nothing: the totals other nodes sent are read back.
  const timer = setInterval(() => {
    if (queued === 0) void flush();
  }, options.flushMs ?? 1000);
  timer.unref();

  return {
    hit: () => void pendingHits++,
    miss: () => void pendingMisses++,
    totals: () => ({ hits: shared.hits + pendingHits, misses: shared.misses + pendingMisses }),
    async load() {
      const [h, m] = await redis.hmget(key, 'hits', 'misses');
      shared = { hits: Number(h ?? 0), misses: Number(m ?? 0) };
    },
    flush,
    reset(multi) {
      pendingHits = 0;
      pendingMisses = 0;
      shared = { hits: 0, misses: 0 };
      return multi.del(key);
    },
    stop: () => clearInterval(timer),
  };
}
