import { describe, expect, it } from 'vitest';
import { createSqliteAnswerCache, docIdOf } from '../../src/cache/answer-cache.ts';
import type { CacheEntryInput } from '../../src/contracts/answer-cache.ts';

const entry = (question: string, doc: string, lang: 'zh' | 'en' = 'zh', extra: Partial<CacheEntryInput> = {}): CacheEntryInput => ({
  question, lang, answer: `answer:${doc}`, sources: [{ id: `${doc}#0`, title: doc, score: 1 }], docHashes: { [doc]: 'h1' }, model: 'retrieval', ...extra,
});

describe('answer cache', () => {
  it('serves an exact match on the normalised question, and counts hits and misses', () => {
    const cache = createSqliteAnswerCache({ path: ':memory:' });
    expect(cache.store(entry('退货运费谁承担？', 'return-shipping-zh'))).toBe(true);
    const hit = cache.lookup('请问，退货运费谁承担呀', { lang: 'zh' });
    expect(hit).toMatchObject({ match: 'exact', score: 1, answer: 'answer:return-shipping-zh' });
    expect(cache.lookup('发票怎么开', { lang: 'zh' })).toBeNull();
    expect(cache.lookup('退货运费谁承担', { lang: 'en' })).toBeNull();
    expect(cache.stats()).toEqual({ entries: 1, hits: 1, misses: 2, hitRate: 1 / 3 });
    cache.close();
  });

  it('serves a lexical paraphrase and misses near-miss decoys that need another answer', () => {
    const cache = createSqliteAnswerCache({ path: ':memory:' });
    cache.store(entry('退货运费谁承担？', 'return-shipping-zh'));
    cache.store(entry('积分怎么用', 'points-rules-zh'));
    cache.store(entry('How long do refunds take?', 'refund-timeline-en', 'en'));
    expect(cache.lookup('退货的运费谁承担', { lang: 'zh' })).toMatchObject({ match: 'lexical' });
    expect(cache.lookup('how long does a refund take', { lang: 'en' })).toMatchObject({ match: 'lexical' });
    expect(cache.lookup('换货运费谁出', { lang: 'zh' })).toBeNull();
    expect(cache.lookup('会员积分怎么查', { lang: 'zh' })).toBeNull();
    cache.close();
  });

  it('matches the intent when both sides know it', () => {
    const cache = createSqliteAnswerCache({ path: ':memory:' });
    cache.store(entry('退货运费谁承担', 'return-shipping-zh', 'zh', { intent: 'return' }));
    expect(cache.lookup('退货运费谁承担', { lang: 'zh', intent: 'exchange' })).toBeNull();
    expect(cache.lookup('退货运费谁承担', { lang: 'zh', intent: 'return' })).not.toBeNull();
    expect(cache.lookup('退货运费谁承担', { lang: 'zh' })).not.toBeNull();
    cache.close();
  });

  it('refuses to store or serve personal questions', () => {
    const cache = createSqliteAnswerCache({ path: ':memory:' });
    expect(cache.store(entry('我的订单KF20261124001发货了吗', 'ship-delay-zh'))).toBe(false);
    expect(cache.store(entry('退货运费谁承担', 'return-shipping-zh', 'zh', { sources: [] }))).toBe(false);
    cache.store(entry('运费多少', 'ship-fees-zh'));
    expect(cache.lookup('我昨天下的单运费多少', { lang: 'zh' })).toBeNull();
    expect(cache.stats().entries).toBe(1);
    cache.close();
  });

  it('drops an entry on a hit when a cited document changed or is gone', () => {
    const hashes = new Map([['return-shipping-zh', 'h1'], ['ship-fees-zh', 'h1']]);
    const cache = createSqliteAnswerCache({ path: ':memory:', currentDocHash: (id) => hashes.get(id) ?? null });
    cache.store(entry('退货运费谁承担', 'return-shipping-zh'));
    cache.store(entry('运费多少', 'ship-fees-zh'));
    expect(cache.lookup('退货运费谁承担', { lang: 'zh' })).not.toBeNull();
    hashes.set('return-shipping-zh', 'h2');
    expect(cache.lookup('退货运费谁承担', { lang: 'zh' })).toBeNull();
    hashes.delete('ship-fees-zh');
    expect(cache.lookup('运费多少', { lang: 'zh' })).toBeNull();
    expect(cache.stats().entries).toBe(0);
    cache.close();
  });

  it('invalidates the entries citing given documents', () => {
    const cache = createSqliteAnswerCache({ path: ':memory:' });
    cache.store(entry('退货运费谁承担', 'return-shipping-zh'));
    cache.store(entry('退货谁出运费', 'return-shipping-zh'));
    cache.store(entry('运费多少', 'ship-fees-zh'));
    expect(cache.invalidateDocs(['return-shipping-zh'])).toBe(2);
    expect(cache.lookup('退货运费谁承担', { lang: 'zh' })).toBeNull();
    expect(cache.lookup('运费多少', { lang: 'zh' })).not.toBeNull();
    cache.close();
  });

  it('expires entries after the TTL', () => {
    let now = 1_000;
    const cache = createSqliteAnswerCache({ path: ':memory:', ttlMs: 60_000, now: () => now });
    cache.store(entry('运费多少', 'ship-fees-zh'));
    now += 59_000;
    expect(cache.lookup('运费多少', { lang: 'zh' })).not.toBeNull();
    now += 2_000;
    expect(cache.lookup('运费多少', { lang: 'zh' })).toBeNull();
    expect(cache.stats().entries).toBe(0);
    cache.close();
  });

  it('persists entries and counters across connections; clear empties it', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'kefu-cache-'));
    try {
      const a = createSqliteAnswerCache({ path: join(dir, 'c.db') });
      a.store(entry('运费多少', 'ship-fees-zh'));
      a.lookup('运费多少', { lang: 'zh' });
      a.close();
      const b = createSqliteAnswerCache({ path: join(dir, 'c.db') });
      expect(b.lookup('运费多少啊', { lang: 'zh' })).not.toBeNull();
      expect(b.stats()).toMatchObject({ entries: 1, hits: 2, misses: 0 });
      expect(b.clear()).toBe(1);
      expect(b.stats()).toMatchObject({ entries: 0, hits: 0 });
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('batches hit and miss counters: no commit per lookup, written periodically and on close', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { default: Database } = await import('better-sqlite3');
    const dir = mkdtempSync(join(tmpdir(), 'kefu-cache-'));
    const file = join(dir, 'c.db');
    try {
      const a = createSqliteAnswerCache({ path: file, counterFlushMs: 60_000 });
      a.store(entry('运费多少', 'ship-fees-zh'));
      const other = new Database(file, { readonly: true });
      const stored = () => ({
        ...Object.fromEntries(other.prepare<[], { key: string; value: number }>('SELECT key, value FROM answer_cache_stats').all().map((r) => [r.key, r.value])),
        entry: other.prepare('SELECT hits FROM answer_cache').pluck().get(),
      });
      for (let i = 0; i < 30; i++) a.lookup('运费多少', { lang: 'zh' });
      for (let i = 0; i < 20; i++) await a.lookupAsync('发票怎么开', { lang: 'zh' });
      expect(stored()).toEqual({ hits: 0, misses: 0, entry: 0 });
      expect(a.stats()).toMatchObject({ hits: 30, misses: 20 });
      a.close();
      expect(stored()).toEqual({ hits: 30, misses: 20, entry: 30 });

      const b = createSqliteAnswerCache({ path: file, counterFlushMs: 20 });
      b.lookup('运费多少', { lang: 'zh' });
      b.lookup('发票怎么开', { lang: 'zh' });
      await new Promise((r) => setTimeout(r, 200));
      expect(stored()).toEqual({ hits: 31, misses: 21, entry: 31 });
      b.close();
      other.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps source ids to document ids', () => {
    expect(docIdOf('return-shipping-zh#2')).toBe('return-shipping-zh');
    expect(docIdOf('plain')).toBe('plain');
  });
});
