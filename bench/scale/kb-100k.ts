import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKbFiles } from '../../src/knowledge/load-kb-files.ts';
import { createSqliteKnowledgeBase } from '../../src/knowledge/sqlite-knowledge-base.ts';
import { isMain, load, round, summarise } from './common.ts';
import { PRODUCTS_EN, PRODUCTS_ZH, QUESTIONS, pick, rng, synthesise } from '../synthetic-kb.ts';

/**
 * Retrieval at 100k passages: the synthetic knowledge base of bench/kb-search.ts
 * (bench/synthetic-kb.ts) grown to 100,000 passages; import, re-open and BM25
 * search over 1,000 mixed Chinese/English queries.
 */
const DEMO_KB = new URL('../../kb/demo-shop', import.meta.url).pathname;
const TARGET_PASSAGES = 100_000;
const QUERIES = 1_000;

export async function benchKb100k() {
  const loadStart = load();
  const r = rng(20240611);
  const { documents: base } = await loadKbFiles([DEMO_KB]);
  const docs = synthesise(base, TARGET_PASSAGES, r);
  const dir = mkdtempSync(join(tmpdir(), 'kefu-kb100k-'));
  const path = join(dir, 'kb.sqlite');
  try {
    let kb = createSqliteKnowledgeBase({ path });
    let t = performance.now();
    await kb.upsert(docs);
    const importMs = performance.now() - t;
    kb.close();
    t = performance.now();
    kb = createSqliteKnowledgeBase({ path });
    const openMs = performance.now() - t;
    const { chunks: passages } = await kb.stats();
    const queries = Array.from({ length: QUERIES }, (_, i) =>
      i % 2 === 0 ? pick(QUESTIONS, r) : `${pick(r() < 0.5 ? PRODUCTS_ZH : PRODUCTS_EN, r)} ${pick(docs, r).title}`,
    );
    for (const q of queries.slice(0, 50)) await kb.search(q, 5);
    const times: number[] = [];
    for (const q of queries) {
      const start = performance.now();
      await kb.search(q, 5);
      times.push(performance.now() - start);
    }
    kb.close();
    const s = summarise(times.map((x) => round(x, 3)));
    return { passages, documents: docs.length, importMs: Math.round(importMs), openMs: Math.round(openMs), searchMs: { n: s.n, p50: s.p50, p99: s.p99, mean: s.mean }, rssMiB: round(process.memoryUsage().rss / 2 ** 20, 1), load: { start: loadStart, end: load() } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await benchKb100k(), null, 2));
