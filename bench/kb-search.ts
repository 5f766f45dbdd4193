import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadKbFiles } from '../src/knowledge/load-kb-files.ts';
import { createSqliteKnowledgeBase } from '../src/knowledge/sqlite-knowledge-base.ts';
import { PRODUCTS_EN, PRODUCTS_ZH, QUESTIONS, pick, rng, synthesise } from './synthetic-kb.ts';

export interface KbSearchBench {
  passages: number;
  p50Ms: number;
  p99Ms: number;
  /** Upsert of all synthetic documents into an empty SQLite file (tokenise, chunk, write). */
  importMs: number;
  /** Re-opening the file: loading the postings into memory, as the server does at start. */
  openMs: number;
}

const DEMO_KB = join(dirname(fileURLToPath(import.meta.url)), '..', 'kb', 'demo-shop');
const TARGET_PASSAGES = 10_000;
const QUERIES = 1_000;

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * Indexes the synthetic knowledge base grown to `target` passages in a temp SQLite file, re-opens
 * it, and times 1,000 mixed queries (after 50 warm-up ones). Shared by the 10k and 100k benches.
 */
export async function measureKbSearch(target: number): Promise<{ passages: number; documents: number; importMs: number; openMs: number; times: number[] }> {
  const r = rng(20240611);
  const { documents: base } = await loadKbFiles([DEMO_KB]);
  const docs = synthesise(base, target, r);
  const dir = mkdtempSync(join(tmpdir(), 'kefu-kb-bench-'));
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
    return { passages, documents: docs.length, importMs: Math.round(importMs), openMs: Math.round(openMs), times };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchKbSearch(): Promise<KbSearchBench> {
  const { passages, importMs, openMs, times } = await measureKbSearch(TARGET_PASSAGES);
  times.sort((a, b) => a - b);
  return { passages, p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), importMs, openMs };
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  console.log(await benchKbSearch());
}
