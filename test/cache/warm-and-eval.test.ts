import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteAnswerCache, DEFAULT_LEXICAL_THRESHOLD } from '../../src/cache/answer-cache.ts';
import { createCacheCommandAdapters } from '../../src/compose/cache-command-adapters.ts';
import { cacheCommands, cachePath } from '../../src/cache/cache-commands.ts';
import { createSqliteKnowledgeBase } from '../../src/knowledge/sqlite-knowledge-base.ts';
import { MAX_FALSE_HIT_RATE, readReplay, replay } from '../../scripts/eval-cache.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kefu-cache-'));
  dirs.push(d);
  return d;
};

const DOCS = [
  { id: 'return-shipping-zh', title: '退货运费谁承担？', text: '质量问题退货的运费由商城承担;无理由退货的寄回运费由买家承担。', lang: 'zh' as const },
  { id: 'track-order-en', title: 'How do I track my order?', text: 'Open My Orders and tap Track.', lang: 'en' as const },
  { id: 'ship-delay-en', title: 'My order has not shipped yet', text: 'Orders ship within 48 hours.', lang: 'en' as const },
];

describe('kefu cache warm', () => {
  it('warms from a small KB, serves the answers, and drops them once the cited document changes', async () => {
    const dir = tempDir();
    const kb = createSqliteKnowledgeBase({ path: join(dir, 'kb.db') });
    await kb.upsert(DOCS);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
    try {
      await cacheCommands(createCacheCommandAdapters({ dataDir: () => dir, redisUrl: () => null })).parseAsync(['node', 'cache', 'warm', '--from-kb', '--top', '10']);
    } finally {
      process.stdout.write = write;
    }
    // "My order has not shipped yet" is about one's own order: not cached.
    expect(out.join('')).toContain('stored 2 answers (1 not cacheable)');

    const cache = createSqliteAnswerCache({ path: cachePath(dir), currentDocHash: (id) => kb.docHash(id) });
    const hit = cache.lookup('请问退货运费谁承担', { lang: 'zh' });
    expect(hit?.answer).toContain('买家承担');
    expect(hit?.sources[0]?.id).toBe('return-shipping-zh#0');
    expect(cache.lookup('how do i track my order', { lang: 'en' })).not.toBeNull();

    await kb.upsert([{ ...DOCS[0]!, text: '退货运费一律由商城承担。' }]);
    expect(cache.lookup('退货运费谁承担', { lang: 'zh' })).toBeNull();
    expect(cache.stats().entries).toBe(1);
    cache.close();
    await kb.close();
  });
});

describe('replay evaluation (regression guard)', () => {
  it(`keeps false hits ≤ ${MAX_FALSE_HIT_RATE * 100}% and no personal hit at the chosen threshold`, async () => {
    const lines = readReplay();
    expect(lines.length).toBeGreaterThanOrEqual(2000);
    const warm = await replay(lines, DEFAULT_LEXICAL_THRESHOLD, false);
    const fill = await replay(lines, DEFAULT_LEXICAL_THRESHOLD, true);
    for (const r of [warm, fill]) {
      expect(r.falseHitRate).toBeLessThanOrEqual(MAX_FALSE_HIT_RATE);
      expect(r.personalHits).toBe(0);
    }
    expect(warm.hitRate).toBeGreaterThanOrEqual(0.25);
    expect(fill.hitRate).toBeGreaterThanOrEqual(0.75);
  }, 60_000);
});
