import { afterEach, describe, expect, it } from 'vitest';
import type { AnswerCacheOptions } from '../../src/cache/answer-cache.ts';
import type { AnswerCache, CacheEntryInput } from '../../src/contracts/answer-cache.ts';

/** A fresh, empty cache with these options; `close` ends it (the Redis one waits for its writes). */
export type OpenCache = (options: Omit<AnswerCacheOptions, 'path'>) => Promise<{ cache: AnswerCache; close(): Promise<void> }>;

const entry = (question: string, doc: string, lang: 'zh' | 'en' = 'zh', extra: Partial<CacheEntryInput> = {}): CacheEntryInput => ({
  question, lang, answer: `answer:${doc}`, sources: [{ id: `${doc}#0`, title: doc, score: 1 }], docHashes: { [doc]: 'h1' }, model: 'retrieval', ...extra,
});

/**
 * What every `AnswerCache` adapter does, run once per adapter (SQLite file or memory, the
 * Redis-replicated one): exact and lexical hits, only cacheable questions, hash and TTL checks,
 * eviction and invalidation, warm, and counters that clear resets.
 */
export function runAnswerCacheContract(name: string, open: OpenCache): void {
  describe(`AnswerCache contract: ${name}`, () => {
    const closers: (() => Promise<void>)[] = [];
    const cacheWith = async (options: Omit<AnswerCacheOptions, 'path'> = {}): Promise<AnswerCache> => {
      const { cache, close } = await open(options);
      closers.push(close);
      return cache;
    };
    afterEach(async () => {
      for (const close of closers.splice(0)) await close();
    });

    it('serves an exact match and a lexical paraphrase, and counts hits and misses', async () => {
      const cache = await cacheWith();
      expect(cache.store(entry('退货运费谁承担？', 'return-shipping-zh'))).toBe(true);
      expect(cache.store(entry('How long do refunds take?', 'refund-timeline-en', 'en'))).toBe(true);
      expect(cache.lookup('请问，退货运费谁承担呀', { lang: 'zh' })).toMatchObject({ match: 'exact', score: 1, answer: 'answer:return-shipping-zh', sources: [{ id: 'return-shipping-zh#0' }] });
      expect(await cache.lookupAsync('how long does a refund take', { lang: 'en' })).toMatchObject({ match: 'lexical', answer: 'answer:refund-timeline-en' });
      expect(cache.lookup('换货运费谁出', { lang: 'zh' })).toBeNull();
      expect(cache.lookup('退货运费谁承担', { lang: 'en' })).toBeNull();
      expect(cache.stats()).toEqual({ entries: 2, hits: 2, misses: 2, hitRate: 0.5 });
    });

    it('matches the intent when both sides know it', async () => {
      const cache = await cacheWith();
      cache.store(entry('退货运费谁承担', 'return-shipping-zh', 'zh', { intent: 'return' }));
      expect(cache.lookup('退货运费谁承担', { lang: 'zh', intent: 'exchange' })).toBeNull();
      expect(cache.lookup('退货运费谁承担', { lang: 'zh', intent: 'return' })).not.toBeNull();
    });

    it('refuses to store personal questions and answers without sources', async () => {
      const cache = await cacheWith();
      expect(cache.store(entry('我的订单KF20261124001发货了吗', 'ship-delay-zh'))).toBe(false);
      expect(cache.store(entry('退货运费谁承担', 'return-shipping-zh', 'zh', { sources: [] }))).toBe(false);
      expect(cache.stats().entries).toBe(0);
    });

    it('drops an entry on a hit when a cited document changed or is gone', async () => {
      const hashes = new Map([['return-shipping-zh', 'h1'], ['ship-fees-zh', 'h1']]);
      const cache = await cacheWith({ currentDocHash: (id) => hashes.get(id) ?? null });
      cache.store(entry('退货运费谁承担', 'return-shipping-zh'));
      cache.store(entry('运费多少', 'ship-fees-zh'));
      expect(cache.lookup('退货运费谁承担', { lang: 'zh' })).not.toBeNull();
      hashes.set('return-shipping-zh', 'h2');
      hashes.delete('ship-fees-zh');
      expect(cache.lookup('退货运费谁承担', { lang: 'zh' })).toBeNull();
      expect(cache.lookup('运费多少', { lang: 'zh' })).toBeNull();
      expect(cache.stats().entries).toBe(0);
    });

    it('expires entries after the TTL', async () => {
      let now = 1_000;
      const cache = await cacheWith({ ttlMs: 60_000, now: () => now });
      cache.store(entry('运费多少', 'ship-fees-zh'));
      now += 59_000;
      expect(cache.lookup('运费多少', { lang: 'zh' })).not.toBeNull();
      now += 2_000;
      expect(cache.lookup('运费多少', { lang: 'zh' })).toBeNull();
    });

    it('evicts one question, invalidates the entries citing a document', async () => {
      const cache = await cacheWith();
      expect(cache.warm([entry('退货运费谁承担', 'return-shipping-zh'), entry('退货谁出运费', 'return-shipping-zh'), entry('运费多少', 'ship-fees-zh'), entry('积分怎么用', 'points-zh')])).toBe(4);
      expect(cache.evict('积分怎么用', 'zh')).toBe(true);
      expect(cache.evict('积分怎么用', 'zh')).toBe(false);
      expect(cache.invalidateDocs(['return-shipping-zh'])).toBe(2);
      expect(cache.lookup('退货运费谁承担', { lang: 'zh' })).toBeNull();
      expect(cache.lookup('积分怎么用', { lang: 'zh' })).toBeNull();
      expect(cache.lookup('运费多少', { lang: 'zh' })).not.toBeNull();
      expect(cache.stats().entries).toBe(1);
    });

    it('replaces the answer stored under the same question', async () => {
      const cache = await cacheWith();
      cache.store(entry('运费多少', 'ship-fees-zh'));
      cache.store({ ...entry('运费多少?', 'ship-fees-zh'), answer: 'newer' });
      expect(cache.lookup('运费多少', { lang: 'zh' })?.answer).toBe('newer');
      expect(cache.stats().entries).toBe(1);
    });

    it('clear drops every entry and resets the counters', async () => {
      const cache = await cacheWith();
      cache.store(entry('运费多少', 'ship-fees-zh'));
      cache.lookup('运费多少', { lang: 'zh' });
      cache.lookup('发票怎么开', { lang: 'zh' });
      expect(cache.clear()).toBe(1);
      expect(cache.stats()).toEqual({ entries: 0, hits: 0, misses: 0, hitRate: 0 });
      expect(cache.lookup('运费多少', { lang: 'zh' })).toBeNull();
    });
  });
}
