import { isMain, load, round, summarise } from './common.ts';
import { measureKbSearch } from '../kb-search.ts';

/**
 * Retrieval at 100k passages: the synthetic knowledge base of bench/kb-search.ts
 * (bench/synthetic-kb.ts) grown to 100,000 passages; import, re-open and BM25
 * search over 1,000 mixed Chinese/English queries.
 */
const TARGET_PASSAGES = 100_000;

export async function benchKb100k() {
  const loadStart = load();
  const { passages, documents, importMs, openMs, times } = await measureKbSearch(TARGET_PASSAGES);
  const s = summarise(times.map((x) => round(x, 3)));
  return { passages, documents, importMs, openMs, searchMs: { n: s.n, p50: s.p50, p99: s.p99, mean: s.mean }, rssMiB: round(process.memoryUsage().rss / 2 ** 20, 1), load: { start: loadStart, end: load() } };
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await benchKb100k(), null, 2));
