import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CacheEntryInput } from '../../src/contracts/answer-cache.ts';
import { createCacheCommandAdapters } from '../../src/compose/cache-command-adapters.ts';
import { cacheCommands } from '../../src/cache/cache-commands.ts';
import { createRedisReplicatedAnswerCache, type RedisReplicatedAnswerCache } from '../../src/cache/redis-replicated-answer-cache.ts';
import { createSqliteKnowledgeBase } from '../../src/knowledge/sqlite-knowledge-base.ts';
import { waitFor } from '../queue/wait-for.ts';
import { unhandledWhenClosedDuringReconnect } from '../support/redis-ready-check-proxy.ts';
import { startRedis, type TestRedis } from '../support/start-redis.ts';

const entry = (question: string, doc: string): CacheEntryInput => ({
  question, lang: 'zh', answer: `answer:${doc}`, sources: [{ id: `${doc}#0`, title: doc, score: 1 }], docHashes: { [doc]: 'h1' }, model: 'retrieval',
});
const SHIPPING = '退货运费谁承担？';
const hit = (cache: RedisReplicatedAnswerCache, question = SHIPPING) => cache.lookup(question, { lang: 'zh' });

// A machine without redis-server (.ci/run installs it) fails in beforeAll: startRedis says why.
describe('answer cache replicated through Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis({ persistent: true });
  });
  afterAll(async () => {
    await redis.stop();
  });

  const opened: RedisReplicatedAnswerCache[] = [];
  // Each test gets its own prefix, so it starts from an empty hash on the shared server.
  let prefix = '';
  const open = async () => {
    const cache = await createRedisReplicatedAnswerCache({ url: redis.url, prefix, logger: { warn: () => {} } });
    opened.push(cache);
    return cache;
  };
  afterEach(async () => {
    for (const c of opened.splice(0)) await c.quit();
    prefix = `test-${randomUUID()}`;
  });
  prefix = `test-${randomUUID()}`;

  it('an answer stored on one node is served by another', async () => {
    const [a, b] = [await open(), await open()];
    expect(a.store(entry(SHIPPING, 'return-shipping-zh'))).toBe(true);
    expect(hit(a)).toMatchObject({ answer: 'answer:return-shipping-zh' }); // at once, locally
    const served = await waitFor(() => hit(b) ?? undefined, 'node B to receive the entry', 2000);
    expect(served).toMatchObject({ match: 'exact', answer: 'answer:return-shipping-zh' });
    // Hits are the cluster's: A's and B's, once both have sent theirs (and read back the other's).
    await a.flush();
    await b.flush();
    expect(b.stats()).toMatchObject({ entries: 1, hits: 2 });
    await a.flush();
    expect(a.stats()).toMatchObject({ hits: 2, misses: b.stats().misses });
    // A personal question is refused on the storing node and never reaches Redis.
    expect(a.store(entry('我的订单KF20261124001发货了吗', 'ship-delay-zh'))).toBe(false);
  });

  it('invalidation on one node removes the entry on the others; clear empties them all', async () => {
    const [a, b] = [await open(), await open()];
    a.warm([entry(SHIPPING, 'return-shipping-zh'), entry('积分怎么用', 'points-rules-zh')]);
    await waitFor(() => b.stats().entries === 2, 'node B to receive both entries', 2000);
    expect(b.invalidateDocs(['return-shipping-zh'])).toBe(1);
    await waitFor(() => a.stats().entries === 1, 'node A to drop the invalidated entry', 2000);
    expect(hit(a)).toBeNull();
    expect(hit(a, '积分怎么用')).not.toBeNull();

    a.clear();
    await waitFor(() => b.stats().entries === 0, 'node B to clear', 2000);
    await a.flush();
    const c = await open();
    expect(c.stats().entries).toBe(0);
  });

  it('an answer evicted on one node (disputed by its customer) leaves every node and Redis', async () => {
    const [a, b] = [await open(), await open()];
    a.warm([entry(SHIPPING, 'return-shipping-zh'), entry('积分怎么用', 'points-rules-zh')]);
    await waitFor(() => b.stats().entries === 2, 'node B to receive both entries', 2000);
    expect(b.evict(SHIPPING, 'zh')).toBe(true);
    await waitFor(() => a.stats().entries === 1, 'node A to drop the evicted entry', 2000);
    expect(hit(a)).toBeNull();
    await b.flush();
    const c = await open();
    expect(c.stats().entries).toBe(1);
    expect(hit(c)).toBeNull();
  });

  it('a node started later loads the entries already in Redis', async () => {
    const a = await open();
    a.store(entry(SHIPPING, 'return-shipping-zh'));
    a.store(entry('积分怎么用', 'points-rules-zh'));
    a.invalidateDocs(['points-rules-zh']);
    await a.flush();
    const late = await open();
    expect(late.stats().entries).toBe(1);
    expect(hit(late)).toMatchObject({ answer: 'answer:return-shipping-zh' });
  });

  it('keeps its creation time across nodes, so the TTL is not restarted by a reload', async () => {
    let now = 1_000_000;
    const open2 = () => createRedisReplicatedAnswerCache({ url: redis.url, prefix, now: () => now, ttlMs: 10_000, logger: { warn: () => {} } }).then((c) => (opened.push(c), c));
    const a = await open2();
    a.store(entry(SHIPPING, 'return-shipping-zh'));
    await a.flush();
    now += 9_000;
    const b = await open2();
    expect(hit(b)).not.toBeNull();
    now += 2_000; // 11 s after it was stored on A
    expect(hit(b)).toBeNull();
  });

  it('keeps serving its replica while Redis is down, and catches up after it comes back', async ({ skip }) => {
    if (redis.restart === null) skip('KEFU_TEST_REDIS_URL names an external server that the test cannot restart');
    const [a, b] = [await open(), await open()];
    a.store(entry(SHIPPING, 'return-shipping-zh'));
    await waitFor(() => b.stats().entries === 1, 'node B to receive the entry', 2000);
    await a.flush();

    // An entry whose event A never hears (written straight into the hash, as if published while A was cut off).
    const raw = new Redis(redis.url);
    const missed = { ...entry('积分怎么用', 'points-rules-zh'), createdAt: Date.now() };
    await raw.hset(`${prefix}:cache:entries`, 'zh:missed', JSON.stringify(missed));
    raw.disconnect();

    // Redis goes away and comes back (the append-only file keeps the hash); meanwhile A serves and stores.
    const restarted = redis.restart!();
    expect(hit(a)).toMatchObject({ answer: 'answer:return-shipping-zh' });
    await restarted;
    expect(hit(a)).toMatchObject({ answer: 'answer:return-shipping-zh' });

    // A reloads the hash once its subscription is back, and so learns the entry it missed.
    const served = await waitFor(() => hit(a, '积分怎么用') ?? undefined, 'node A to reload after the restart', 10_000);
    expect(served).toMatchObject({ answer: 'answer:points-rules-zh' });
    expect(hit(a)).not.toBeNull();

    // And events flow again: a store on B after the restart reaches A.
    await waitFor(() => a.stats().entries === 2 && b.stats().entries >= 1, 'both nodes back', 5000);
    b.store(entry('发票怎么开', 'invoice-zh'));
    await waitFor(() => hit(a, '发票怎么开') ?? undefined, 'node A to hear B after the restart', 10_000);
  }, 20_000);

  // A node shut down (or a test's afterEach) right after a Redis blip: its subscriber is connected
  // again but still waiting for the ready check's reply. ioredis's own resubscription, sent once that
  // reply comes, was rejected by the closing connection with nothing to catch it ("Connection is closed.").
  it('a node shut down while its subscription reconnects leaves no unhandled rejection', async () => {
    // quit(), not close(): it waits for the connections to end.
    const unhandled = await unhandledWhenClosedDuringReconnect(redis.url, async (url) => {
      const cache = await createRedisReplicatedAnswerCache({ url, prefix, logger: { warn: () => {} } });
      return { close: () => cache.quit() };
    });
    expect(unhandled).toEqual([]);
  });

  it('`kefu cache warm|stats|clear` act on Redis when KEFU_REDIS_URL is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-cache-cli-'));
    const kb = createSqliteKnowledgeBase({ path: join(dir, 'kb.db') });
    await kb.upsert([{ id: 'return-shipping-zh', title: SHIPPING, text: '质量问题退货的运费由商城承担。', lang: 'zh' }]);
    const out: string[] = [];
    let counted = { hits: -1, misses: -1 };
    const write = process.stdout.write.bind(process.stdout);
    const cli = (...args: string[]) => cacheCommands(createCacheCommandAdapters({ dataDir: () => dir, redisUrl: () => redis.url })).parseAsync(['node', 'cache', ...args]);
    prefix = 'kefu'; // the CLI uses the server's default namespace
    const node = await open();
    process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
    try {
      await cli('warm', '--from-kb');
      await waitFor(() => hit(node) ?? undefined, 'a running node to receive the warmed answer', 2000);
      await node.flush();
      counted = node.stats();
      await cli('stats', '--json');
      await cli('clear');
      await waitFor(() => node.stats().entries === 0, 'a running node to hear the clear', 2000);
    } finally {
      process.stdout.write = write;
      kb.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(out.join('')).toContain('stored 1 answers');
    // The running node's lookups, sent to Redis by its flush: one hit, the misses before the warmed answer arrived.
    const stats = JSON.parse(out.find((line) => line.startsWith('{"entries"')) ?? '{}') as { entries: number; hits: number; misses: number };
    expect(stats).toMatchObject({ entries: 1, hits: 1, misses: counted.misses });
    expect(counted.hits).toBe(1);
    expect(out.join('')).toContain('cleared 1 answers');
  });
});
