import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRenewedSubscriber, type RenewedSubscriber } from '../redis-subscriber.ts';
import { createSqliteAnswerCache, type AnswerCacheOptions } from './answer-cache.ts';
import type { AnswerCache, CacheEntryInput, CacheHit, LookupOptions } from '../contracts/answer-cache.ts';
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
/**
 * The node's in-memory replica of the shared entries, and what keeps it whole: a replicated
 * entry keeps the time it was first stored, changes during a reload are replayed onto the new
 * replica, and a replica swapped out is closed only once no lookup is reading it.
 */
function createReplica(cacheOptions: Omit<RedisReplicatedAnswerCacheOptions, 'url' | 'prefix' | 'logger'>, clock: () => number) {
  // The replica stamps an entry with `now()`; a replicated entry must keep the time it was first
  // stored, or every reload would restart its TTL. `pinned` holds that time during one store.
  let pinned: number | null = null;
  const open = (): AnswerCache => createSqliteAnswerCache(Object.assign({}, cacheOptions, { path: ':memory:', now: () => pinned ?? clock() }));
  let current = open();
  const storeAt = (target: AnswerCache, e: CacheEntryInput, createdAt: number): boolean => {
    pinned = createdAt;
    try {
      return target.store(e);
    } finally {
      pinned = null;
    }
  };
  const apply = (target: AnswerCache, op: Op): void => {
    if (op.op === 'clear') target.clear();
    else if (op.op === 'invalidate') target.invalidateDocs(op.docIds);
    else if (op.op === 'evict') target.evict(op.question, op.lang);
    else for (const e of op.entries) storeAt(target, e, e.createdAt);
  };
  // While a reload is under way, every change (local or from another node) is also logged here and
  // replayed onto the new replica, so nothing that happens between HGETALL and the swap is lost.
  let duringReload: Op[] | null = null;
  // A replica swapped out while a `lookupAsync` on it is in flight is closed when that lookup ends.
  const inFlight = new Map<AnswerCache, number>();
  const retired = new Set<AnswerCache>();
  return {
    get current(): AnswerCache {
      return current;
    },
    /** A change from another node: applied, and logged for a reload in progress. */
    applyNow(op: Op): void {
      apply(current, op);
      duringReload?.push(op);
    },
    /** A change this node already made on `current`, logged for a reload in progress. */
    log(op: Op): void {
      duringReload?.push(op);
    },
    store: (e: CacheEntryInput, createdAt: number): boolean => storeAt(current, e, createdAt),
    async reload(read: () => Promise<SharedEntry[]>): Promise<void> {
      duringReload = [];
      try {
        const entries = await read();
        const fresh = open();
        apply(fresh, { op: 'store', entries });
        for (const op of duringReload) apply(fresh, op);
        const old = current;
        current = fresh;
        if ((inFlight.get(old) ?? 0) === 0) old.close();
        else retired.add(old);
      } finally {
        duringReload = null;
      }
    },
    async lookupAsync(question: string, opts: LookupOptions): Promise<CacheHit | null> {
      const r = current;
      inFlight.set(r, (inFlight.get(r) ?? 0) + 1);
      try {
        return await r.lookupAsync(question, opts);
      } finally {
        const left = (inFlight.get(r) ?? 1) - 1;
        if (left > 0) inFlight.set(r, left);
        else {
          inFlight.delete(r);
          if (retired.delete(r)) r.close();
        }
      }
    },
    close(): void {
      current.close();
      for (const r of retired) r.close();
    },
  };
}

/** The entries of the shared hash still within their TTL, and the fields of those that are not (or unreadable). */
function readEntries(all: Record<string, string>, ttl: number, now: number): { entries: SharedEntry[]; expired: string[] } {
  const expired: string[] = [];
  const entries: SharedEntry[] = [];
  for (const [field, text] of Object.entries(all)) {
    try {
      const e = JSON.parse(text) as SharedEntry;
      if (ttl > 0 && now - e.createdAt > ttl) expired.push(field);
      else entries.push(e);
    } catch {
      expired.push(field);
    }
  }
  return { entries, expired };
}

/** Another node's change from the events channel, checked; null for this node's own, or one not understood. */
function eventOp(text: string, origin: string, logger: RedisReplicatedAnswerCacheOptions['logger']): Op | null {
  let event: CacheEvent;
  try {
    event = JSON.parse(text) as CacheEvent;
  } catch (err) {
    logger?.warn({ err }, 'answer cache: dropped an event that is not JSON');
    return null;
  }
  if (event.origin === origin) return null;
  if (event.op === 'store' && Array.isArray(event.entries)) return { op: 'store', entries: event.entries };
  if (event.op === 'invalidate' && Array.isArray(event.docIds)) return { op: 'invalidate', docIds: event.docIds };
  if (event.op === 'evict' && typeof event.question === 'string' && (event.lang === 'zh' || event.lang === 'en')) return { op: 'evict', question: event.question, lang: event.lang };
  if (event.op === 'clear') return { op: 'clear' };
  return null;
}

/** Redis writes in the background: a failure is logged (the node serves its replica), `flush` waits for all. */
function createBackgroundWrites(logger: RedisReplicatedAnswerCacheOptions['logger']) {
  const writes = new Set<Promise<unknown>>();
  return {
    add(what: string, write: Promise<unknown>): void {
      const p = write.catch((err: unknown) => logger?.warn({ err }, `answer cache: ${what} did not reach Redis; this node serves its replica`));
      writes.add(p);
      void p.finally(() => writes.delete(p));
    },
    async flush(): Promise<void> {
      while (writes.size > 0) await Promise.all([...writes]);
    },
  };
}

/**
 * The writes: each goes to this node's replica at once, then to the shared hash with an event
 * to the other nodes, in the background (a node cut off from Redis keeps serving its replica).
 */
function createSharedWrites(o: {
  replica: ReturnType<typeof createReplica>;
  commands: Redis;
  entriesKey: string;
  counters: ReturnType<typeof createSharedCacheCounters>;
  clock: () => number;
  background: (what: string, write: Promise<unknown>) => void;
  publish: (multi: ReturnType<Redis['multi']>, event: Op) => Promise<unknown>;
}): Pick<AnswerCache, 'store' | 'warm' | 'evict' | 'invalidateDocs' | 'clear'> {
  const { replica, commands, entriesKey, counters, clock, background, publish } = o;
  const fieldOf = (e: CacheEntryInput): string => `${e.lang}:${normaliseQuestion(e.question, e.lang)}`;

  const storeAll = (entries: readonly CacheEntryInput[], onProgress?: (done: number, total: number) => void): number => {
    const shared: SharedEntry[] = [];
    entries.forEach((e, i) => {
      const s: SharedEntry = Object.assign({}, e, { createdAt: clock() });
      if (replica.store(e, s.createdAt)) {
        shared.push(s);
        replica.log({ op: 'store', entries: [s] });
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

  return {
    store: (entry) => storeAll([entry]) === 1,

    warm: (entries, onProgress) => storeAll(entries, onProgress),

    evict(question, lang) {
      const had = replica.current.evict(question, lang);
      replica.log({ op: 'evict', question, lang });
      // Evicted in Redis and on every node even when this replica had no such entry (it may have missed the store).
      background('eviction', publish(commands.multi().hdel(entriesKey, `${lang}:${normaliseQuestion(question, lang)}`), { op: 'evict', question, lang }));
      return had;
    },

    invalidateDocs(docIds) {
      const ids = [...docIds];
      const n = replica.current.invalidateDocs(ids);
      replica.log({ op: 'invalidate', docIds: ids });
      if (ids.length > 0) background('invalidation', publish(commands.multi().eval(INVALIDATE, 1, entriesKey, ...ids), { op: 'invalidate', docIds: ids }));
      return n;
    },

    clear() {
      const n = replica.current.clear();
      replica.log({ op: 'clear' });
      background('clear', publish(counters.reset(commands.multi().del(entriesKey)), { op: 'clear' }));
      return n;
    },
  };
}

/** The two connections (commands, and one subscribed to the events) and the shared hit counters. */
function connect(o: { url: string; prefix: string; channel: string; counterFlushMs: number | undefined; logger: RedisReplicatedAnswerCacheOptions['logger']; resubscribed: () => Promise<void> }) {
  const { url, prefix, channel, counterFlushMs, logger } = o;
  const commands = new Redis(url);
  // Failures surface through the commands' promises; without a listener ioredis prints each reconnect error.
  commands.on('error', () => {});
  // Events published while this node was cut off are lost: after every reconnect the replica is
  // rebuilt from the hash, once subscribed again (so a change is either in the hash read or heard).
  const subscriber = createRenewedSubscriber(url, channel, (subscribing) =>
    subscribing.then(o.resubscribed).catch((err: unknown) => logger?.warn({ err }, 'answer cache: resubscribe or reload from Redis failed; serving the replica as it is')),
  );
  const counters = createSharedCacheCounters(commands, `${prefix}:cache:stats`, {
    onError: (err) => logger?.warn({ err }, 'answer cache: hit counters did not reach Redis; sent with the next flush'),
    ...(counterFlushMs === undefined ? {} : { flushMs: counterFlushMs }),
  });
  return { commands, subscriber, counters };
}

/** Sends what is pending (for at most 2 s) and closes both connections. */
async function shutdown(o: { commands: Redis; subscriber: RenewedSubscriber; counters: ReturnType<typeof createSharedCacheCounters>; flush: () => Promise<void> }): Promise<void> {
  const { commands, subscriber, counters, flush } = o;
  subscriber.stop();
  // Writes queued while Redis is unreachable would hold shutdown until ioredis gives up on them.
  let timer: NodeJS.Timeout | undefined;
  counters.stop();
  await Promise.race([Promise.all([flush(), counters.flush()]), new Promise((r) => (timer = setTimeout(r, 2000)))]);
  clearTimeout(timer);
  await Promise.all([commands.quit().catch(() => commands.disconnect()), subscriber.redis.quit().catch(() => subscriber.redis.disconnect())]);
}

/** Lookups on this node's replica, counted in the shared counters; the stats with every node's counts. */
function createReads(replica: ReturnType<typeof createReplica>, counters: ReturnType<typeof createSharedCacheCounters>): Pick<AnswerCache, 'lookup' | 'lookupAsync' | 'stats'> {
  const count = <T extends CacheHit | null>(hit: T): T => {
    if (hit === null) counters.miss();
    else counters.hit();
    return hit;
  };
  return {
    lookup: (question, opts) => count(replica.current.lookup(question, opts)),
    lookupAsync: async (question, opts) => count(await replica.lookupAsync(question, opts)),
    stats() {
      const { entries } = replica.current.stats();
      const { hits, misses } = counters.totals();
      return { entries, hits, misses, hitRate: hits + misses === 0 ? 0 : hits / (hits + misses) };
    },
  };
}

export async function createRedisReplicatedAnswerCache(options: RedisReplicatedAnswerCacheOptions): Promise<RedisReplicatedAnswerCache> {
  const { url, prefix = 'kefu', logger, ...cacheOptions } = options;
  const entriesKey = `${prefix}:cache:entries`;
  const channel = `${prefix}:cache:events`;
  const origin = randomUUID();
  const clock = cacheOptions.now ?? Date.now;
  const ttl = cacheOptions.ttlMs ?? 7 * DAY;

  const replica = createReplica(cacheOptions, clock);

  const { commands, subscriber, counters } = connect({ url, prefix, channel, counterFlushMs: cacheOptions.counterFlushMs, logger, resubscribed: () => load() });

  const writes = createBackgroundWrites(logger);
  const background = writes.add;
  const publish = (multi: ReturnType<Redis['multi']>, event: Op): Promise<unknown> =>
    multi.publish(channel, JSON.stringify(Object.assign({}, event, { origin }))).exec();

  const load = (): Promise<void> =>
    replica.reload(async () => {
      const { entries, expired } = readEntries(await commands.hgetall(entriesKey), ttl, clock());
      if (expired.length > 0) background('dropping expired entries', commands.hdel(entriesKey, ...expired));
      return entries;
    });

  subscriber.redis.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    const op = eventOp(text, origin, logger);
    if (op !== null) replica.applyNow(op);
  });

  try {
    await subscriber.subscribe();
    await load();
    await counters.load();
  } catch (err) {
    logger?.warn({ err }, 'answer cache: Redis unavailable at start; starting with an empty replica, loaded when Redis is back');
  }

  const flush = writes.flush;

  let closed = false;
  const quit = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await shutdown({ commands, subscriber, counters, flush });
    replica.close();
  };

  const shared = createSharedWrites({ replica, commands, entriesKey, counters, clock, background, publish });
  return Object.assign({}, shared, createReads(replica, counters), {
    close() {
      void quit();
    },
    async flush() {
      await flush();
      await counters.flush();
    },
    quit,
  });
}
