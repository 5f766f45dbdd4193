import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createSqliteAnswerCache } from '../../src/cache/answer-cache.ts';
import { questionFeatures } from '../../src/cache/normalise.ts';
import type { CacheEntryInput } from '../../src/contracts/answer-cache.ts';

/**
 * Two caches on one file, as the workers of `kefu serve --workers 2` have: what one stores,
 * replaces or drops the other sees, and the other's counter writes (every second) do not make it
 * read every question again. Another connection's commit is seen from the next pass of the event
 * loop (`nextPass`, a later request), since the data_version check is made once per pass.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'kefu-cache-shared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const nextPass = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const entry = (question: string, doc: string, extra: Partial<CacheEntryInput> = {}): CacheEntryInput => ({
  question, lang: 'zh', answer: `answer:${doc}`, sources: [{ id: `${doc}#0`, title: doc, score: 1 }], docHashes: { [doc]: 'h1' }, model: 'retrieval', ...extra,
});

it('sees what the other connection stores, replaces and drops, and reads only what is new', async () => {
  const file = path.join(dir, 'cache.db');
  const a = createSqliteAnswerCache({ path: file, counterFlushMs: 60_000 });
  let segmented = 0;
  const b = createSqliteAnswerCache({ path: file, counterFlushMs: 60_000, segment: (norm) => (segmented++, questionFeatures(norm)) });
  try {
    for (let i = 0; i < 50; i++) a.store(entry(`第${i}号商品的保修期是多久`, `warranty-${i}`));
    a.store(entry('退货运费谁承担', 'return-shipping', { intent: 'return' }));
    await nextPass();
    segmented = 0;
    expect(b.lookup('退货的运费谁承担', { lang: 'zh', intent: 'return' })).toMatchObject({ match: 'lexical', answer: 'answer:return-shipping' });
    // The 51 new questions and the query: read once each.
    expect(segmented).toBe(52);

    // A sibling's counters: a write to the file, but no new question to read.
    a.lookup('退货运费谁承担', { lang: 'zh' });
    a.close();
    const a2 = createSqliteAnswerCache({ path: file, counterFlushMs: 60_000 });
    await nextPass();
    segmented = 0;
    expect(b.lookup('退货的运费谁承担', { lang: 'zh', intent: 'return' })).not.toBeNull();
    expect(segmented).toBe(1);

    // Replaced under the same id with another intent: never served to the old intent (the row's
    // intent decides). This connection's index still files it under the old one, a miss at worst,
    // until it stores the answer itself, as the pipeline does after a miss.
    a2.store(entry('退货运费谁承担', 'exchange-shipping', { intent: 'exchange' }));
    await nextPass();
    expect(b.lookup('退货的运费谁承担', { lang: 'zh', intent: 'return' })).toBeNull();
    b.store(entry('退货运费谁承担', 'exchange-shipping', { intent: 'exchange' }));
    expect(b.lookup('退货的运费谁承担', { lang: 'zh', intent: 'exchange' })).toMatchObject({ answer: 'answer:exchange-shipping' });

    // Dropped by the other: gone here too.
    expect(a2.evict('退货运费谁承担', 'zh')).toBe(true);
    await nextPass();
    expect(b.lookup('退货的运费谁承担', { lang: 'zh' })).toBeNull();
    a2.close();
  } finally {
    b.close();
  }
});

it('serves exact matches the other connection stored, and stops when it dropped or replaced them', async () => {
  const file = path.join(dir, 'exact.db');
  const a = createSqliteAnswerCache({ path: file, counterFlushMs: 60_000 });
  const b = createSqliteAnswerCache({ path: file, counterFlushMs: 60_000 });
  try {
    a.store(entry('发票怎么开', 'invoice'));
    await nextPass();
    expect(b.lookup('发票怎么开？', { lang: 'zh' })).toMatchObject({ match: 'exact', answer: 'answer:invoice' });
    // Dropped there, then stored again under a new id with another answer: the new one here.
    expect(a.evict('发票怎么开', 'zh')).toBe(true);
    a.store(entry('发票怎么开', 'invoice-2'));
    await nextPass();
    expect(b.lookup('发票怎么开', { lang: 'zh' })).toMatchObject({ match: 'exact', answer: 'answer:invoice-2' });
    // Its answer replaced there, under the same id: the new answer here, not the row served before.
    a.store(entry('发票怎么开', 'invoice-2b'));
    await nextPass();
    expect(b.lookup('发票怎么开', { lang: 'zh' })).toMatchObject({ match: 'exact', answer: 'answer:invoice-2b' });
    a.clear();
    await nextPass();
    expect(b.lookup('发票怎么开', { lang: 'zh' })).toBeNull();
    // Evicted here: not served from this connection's memory either.
    b.store(entry('发票怎么开', 'invoice-3'));
    expect(b.lookup('发票怎么开', { lang: 'zh' })).toMatchObject({ answer: 'answer:invoice-3' });
    b.store(entry('发票怎么开', 'invoice-4'));
    expect(b.lookup('发票怎么开', { lang: 'zh' })).toMatchObject({ answer: 'answer:invoice-4', sources: [{ id: 'invoice-4#0' }] });
    expect(b.evict('发票怎么开', 'zh')).toBe(true);
    expect(b.lookup('发票怎么开', { lang: 'zh' })).toBeNull();
  } finally {
    a.close();
    b.close();
  }
});
