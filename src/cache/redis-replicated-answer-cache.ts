import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createSqliteAnswerCache, type AnswerCacheOptions } from './answer-cache.ts';
import type { AnswerCache, CacheEntryInput, CacheHit } from '../contracts/answer-cache.ts';
import { normaliseQuestion } from './normalise.ts';
import { createSharedCacheCounters } from './shared-cache-counters.ts';
import type { CacheLang } from '../contracts/answer-cache.ts';

export interface RedisReplicatedAnswerCacheOptions extends Omit<AnswerCacheOptions, 'path'> {
  /** KEFU_REDIS_URL. Two connections are opened: one for commands, one subscribed to the events. */
  url: string;
  /** Key namespace. Default `kefu`: `<prefix>:cache:entries` and `<prefix>:cache:events`. */
  prefix?: string;
  logger?: { warn(details: Record<string, unknown>, message: string): void };
}

export interface RedisReplicatedAnswerCache extends AnswerCache {
  /** Resolves once every Redis write issued so far (entries and hit counts) has been answered (or has failed and been logged). */
  flush(): Promise<void>;
  /** Flushes, then closes the replica and both connections. `close()` does the same without waiting. */
  quit(): Promise<void>;
}

/** An entry as it lives in the hash: what `store` got, plus when it was first stored (for the TTL). */
type SharedEntry = CacheEntryInput & { createdAt: number };

type CacheEvent =
  | { origin: string; op: 'store'; entries: SharedEntry[] }
  | { origin: string; op: 'invalidate'; docIds: string[] }
  | { origin: string; op: 'evict'; question: string; lang: CacheLang }
  | { origin: string; op: 'clear' };

/** Apply-to-replica operations, replayed onto a fresh replica when they happen during a reload. */
type Op = { op: 'store'; entries: SharedEntry[] } | { op: 'invalidate'; docIds: string[] } | { op: 'evict'; question: string; lang: CacheLang } | { op: 'clear' };

// Drops every entry citing one of ARGV's documents. O(entries) inside Redis, but invalidation only
// follows a knowledge-base change, and a per-document index would go stale when an entry is replaced.
const INVALIDATE = `
local all = redis.call('HGETALL', KEYS[1])
local removed = 0
for i = 1, #all, 2 do
  local ok, e = pcall(cjson.decode, all[i + 1])
  if ok and type(e) == 'table' and type(e.docHashes) == 'table' then
    for j = 1, #ARGV do
      if e.docHashes[ARGV[j]] ~= nil then
        redis.call('HDEL', KEYS[1], all[i])
        removed = removed + 1
        break
      end
    end
  end
end
return removed
`;

const DAY = 86_400_000;

/**
 * The answer cache shared by several nodes. Redis holds the truth (a hash of entries); each node
 * keeps an in-memory SQLite replica, so lookups stay synchronous and never wait on the network.
 * Writes apply to the replica at once and go to Redis in the background, with a pub/sub event that
 * the other nodes apply to their replicas. A node cut off from Redis keeps serving its replica and
 * reloads it from the hash when the subscription reconnects. Hit and miss counters are the
 * cluster's: each node adds its own to a Redis hash once a second (shared-cache-counters.ts).
 */
export async function createRedisReplicatedAnswerCache(options: RedisReplicatedAnswerCacheOptions): Promise<RedisReplicatedAnswerCache> {
  const { url, prefix = 'kefu', logger, ...cacheOptions } = options;
  const entriesKey = `${prefix}:cache:entries`;
  const channel = `${prefix}:cache:events`;
  const origin = randomUUID();
  const clock = cacheOptions.now ?? Date.now;
  const ttl = cacheOptions.ttlMs ?? 7 * DAY;

  // The replica stamps an entry with `now()`; a replicated entry must keep the time it was first
  // stored, or every reload would restart its TTL. `pinned` holds that time during one store.
  let pinned: number | null = null;
  const openReplica = (): AnswerCache => createSqliteAnswerCache({ ...cacheOptions, path: ':memory:', now: () => pinned ?? clock() });
  let replica = openReplica();

  const apply = (target: AnswerCache, op: Op): void => {
    if (op.op === 'clear') target.clear();
    else if (op.op === 'invalidate') target.invalidateDocs(op.docIds);
    else if (op.op === 'evict') target.evict(op.question, op.lang);
    else {
      for (const e of op.entries) {
        pinned = e.createdAt;
        try {
          target.store(e);
        } finally {
          pinned = null;
        }
      }
    }
  };

  // While a reload is under way, every change (local or from another node) is also logged here and
  // replayed onto the new replica, so nothing that happens between HGETALL and the swap is lost.
  let duringReload: Op[] | null = null;
  const applyNow = (op: Op): void => {
    apply(replica, op);
    duringReload?.push(op);
  };

  // A replica swapped out while a `lookupAsync` on it is in flight is closed when that lookup ends.
  const inFlight = new Map<AnswerCache, number>();
  const retired = new Set<AnswerCache>();
  const retire = (old: AnswerCache): void => {
    if ((inFlight.get(old) ?? 0) === 0) old.close();
    else retired.add(old);
  };

  const commands = new Redis(url);
  const subscriber = new Redis(url);
  // Failures surface through the commands' promises; without a listener ioredis prints each reconnect error.
  commands.on('error', () => {});
  subscriber.on('error', () => {});
  const counters = createSharedCacheCounters(commands, `${prefix}:cache:stats`, {
    ...(cacheOptions.counterFlushMs === undefined ? {} : { flushMs: cacheOptions.counterFlushMs }),
    onError: (err) => logger?.warn({ err }, 'answer cache: hit counters did not reach Redis; sent with the next flush'),
  });

  const writes = new Set<Promise<unknown>>();
  const background = (what: string, write: Promise<unknown>): void => {
    const p = write.catch((err: unknown) => logger?.warn({ err }, `answer cache: ${what} did not reach Redis; this node serves its replica`));
    writes.add(p);
    void p.finally(() => writes.delete(p));
  };
  const publish = (multi: ReturnType<Redis['multi']>, event: Op): Promise<unknown> =>
    multi.publish(channel, JSON.stringify({ ...event, origin })).exec();

  const fieldOf = (e: CacheEntryInput): string => `${e.lang}:${normaliseQuestion(e.question, e.lang)}`;

  const load = async (): Promise<void> => {
    duringReload = [];
    try {
      const all = await commands.hgetall(entriesKey);
      const fresh = openReplica();
      const expired: string[] = [];
      const entries: SharedEntry[] = [];
      for (const [field, text] of Object.entries(all)) {
        try {
          const e = JSON.parse(text) as SharedEntry;
          if (ttl > 0 && clock() - e.createdAt > ttl) expired.push(field);
          else entries.push(e);
        } catch {
          expired.push(field);
        }
      }
      apply(fresh, { op: 'store', entries });
      for (const op of duringReload) apply(fresh, op);
      const old = replica;
      replica = fresh;
      retire(old);
      if (expired.length > 0) background('dropping expired entries', commands.hdel(entriesKey, ...expired));
    } finally {
      duringReload = null;
    }
  };

  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    let event: CacheEvent;
    try {
      event = JSON.parse(text) as CacheEvent;
    } catch (err) {
      logger?.warn({ err }, 'answer cache: dropped an event that is not JSON');
      return;
    }
    if (event.origin === origin) return;
    if (event.op === 'store' && Array.isArray(event.entries)) applyNow({ op: 'store', entries: event.entries });
    else if (event.op === 'invalidate' && Array.isArray(event.docIds)) applyNow({ op: 'invalidate', docIds: event.docIds });
    else if (event.op === 'evict' && typeof event.question === 'string' && (event.lang === 'zh' || event.lang === 'en')) applyNow({ op: 'evict', question: event.question, lang: event.lang });
    else if (event.op === 'clear') applyNow({ op: 'clear' });
  });

  // Events published while this node was cut off are lost (pub/sub stores nothing): after every
  // reconnect the replica is rebuilt from the hash. ioredis resubscribes before it emits 'ready'.
  let started = false;
  let closed = false;
  subscriber.on('ready', () => {
    if (!started || closed) return;
    load().catch((err: unknown) => logger?.warn({ err }, 'answer cache: reload from Redis failed; serving the replica as it is'));
  });

  try {
    await subscriber.subscribe(channel);
    await load();
    await counters.load();
  } catch (err) {
    logger?.warn({ err }, 'answer cache: Redis unavailable at start; starting with an empty replica, loaded when Redis is back');
  }
  started = true;

  const flush = async (): Promise<void> => {
    while (writes.size > 0) await Promise.all([...writes]);
  };

  const storeAll = (entries: readonly CacheEntryInput[], onProgress?: (done: number, total: number) => void): number => {
    const shared: SharedEntry[] = [];
    entries.forEach((e, i) => {
      const s: SharedEntry = { ...e, createdAt: clock() };
      pinned = s.createdAt;
      let stored: boolean;
      try {
        stored = replica.store(e);
      } finally {
        pinned = null;
      }
      if (stored) {
        shared.push(s);
        duringReload?.push({ op: 'store', entries: [s] });
      }
      onProgress?.(i + 1, entries.length);
    });
    if (shared.length > 0) {
      const multi = commands.multi();
      for (const s of shared) multi.hset(entriesKey, fieldOf(s), JSON.stringify(s));
      background('store', publish(multi, { op: 'store', entries: shared }));
    }
    return shared.length;
  };

  const quit = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    // Writes queued while Redis is unreachable would hold shutdown until ioredis gives up on them.
    let timer: NodeJS.Timeout | undefined;
    counters.stop();
    await Promise.race([Promise.all([flush(), counters.flush()]), new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
    await Promise.all([commands.quit().catch(() => commands.disconnect()), subscriber.quit().catch(() => subscriber.disconnect())]);
    replica.close();
    for (const r of retired) r.close();
  };

  const count = <T extends CacheHit | null>(hit: T): T => {
    if (hit === null) counters.miss();
    else counters.hit();
    return hit;
  };

  return {
    lookup: (question, opts) => count(replica.lookup(question, opts)),

    async lookupAsync(question, opts) {
      const r = replica;
      inFlight.set(r, (inFlight.get(r) ?? 0) + 1);
      try {
        return count(await r.lookupAsync(question, opts));
      } finally {
        const left = (inFlight.get(r) ?? 1) - 1;
        if (left > 0) inFlight.set(r, left);
        else {
          inFlight.delete(r);
          if (retired.delete(r)) r.close();
        }
      }
    },

    store: (entry) => storeAll([entry]) === 1,

    warm: (entries, onProgress) => storeAll(entries, onProgress),

    evict(question, lang) {
      const had = replica.evict(question, lang);
      duringReload?.push({ op: 'evict', question, lang });
      // Evicted in Redis and on every node even when this replica had no such entry (it may have missed the store).
      background('eviction', publish(commands.multi().hdel(entriesKey, `${lang}:${normaliseQuestion(question, lang)}`), { op: 'evict', question, lang }));
      return had;
    },

    invalidateDocs(docIds) {
      const ids = [...docIds];
      const n = replica.invalidateDocs(ids);
      duringReload?.push({ op: 'invalidate', docIds: ids });
      if (ids.length > 0) background('invalidation', publish(commands.multi().eval(INVALIDATE, 1, entriesKey, ...ids), { op: 'invalidate', docIds: ids }));
      return n;
    },

    stats() {
      const { entries } = replica.stats();
      const { hits, misses } = counters.totals();
      return { entries, hits, misses, hitRate: hits + misses === 0 ? 0 : hits / (hits + misses) };
    },

    clear() {
      const n = replica.clear();
      duringReload?.push({ op: 'clear' });
      background('clear', publish(counters.reset(commands.multi().del(entriesKey)), { op: 'clear' }));
      return n;
    },

    close() {
      void quit();
    },
    async flush() {
      await flush();
      await counters.flush();
    },
    quit,
  };
}
