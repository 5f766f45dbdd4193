import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createSqliteAnswerCache } from '../src/cache/answer-cache.ts';
import type { CacheEntryInput } from '../src/contracts/answer-cache.ts';
import { writeBenchSection } from './write-section.ts';

/**
 * Answer-cache lookup time against the number of stored questions (issue 16.2): a file-backed
 * cache (WAL, as the server runs it) warmed with N synthetic questions, half Chinese and half
 * English, each a question frame around content words drawn from a fixed vocabulary; then
 * paraphrases of stored questions (hits: one word dropped, fillers added) and unseen questions
 * (misses) are looked up in turn. Figures are µs per lookup, everything included (normalising,
 * segmenting, exact and lexical match, counters).
 *
 * `--baseline` stores the figures in bench/answer-cache-baseline.json instead of BENCHMARKS.md,
 * so a later run prints them beside its own.
 */
const SIZES = process.argv.includes('--sizes') ? process.argv[process.argv.indexOf('--sizes') + 1]!.split(',').map(Number) : [1_000, 10_000, 50_000];
const LOOKUPS = 2_000;
const BASELINE = new URL('./answer-cache-baseline.json', import.meta.url);

/** Small seeded generator, so every run stores and asks the same questions. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const HAN = '货款单运退换票积分会员优惠券快递地址电话账户密码支付宝微信银行卡发票尺码颜色质量保修安装说明书充电电池屏幕耳机手表衣服鞋子包裹门店库存价格活动礼品';
const SYLLABLES = ['ka', 'lo', 'mi', 'ter', 'van', 'dor', 'pel', 'sun', 'rix', 'bo', 'nel', 'tra', 'gum', 'fen', 'zor', 'hal'];
const ZH_FRAMES: [string, string][] = [['', '怎么办理'], ['', '多久能到'], ['怎么查询', ''], ['', '可以退吗'], ['', '需要多少钱'], ['有没有', '']];
const EN_FRAMES: [string, string][] = [['how do i', ''], ['can i', 'online'], ['what is the', 'policy'], ['where is my', ''], ['how long does', 'take']];

function vocabulary(next: () => number): { zh: string[]; en: string[] } {
  const zh = new Set<string>();
  while (zh.size < 4000) zh.add(HAN[Math.floor(next() * HAN.length)]! + HAN[Math.floor(next() * HAN.length)]!);
  const en = new Set<string>();
  while (en.size < 4000) en.add(Array.from({ length: 3 }, () => SYLLABLES[Math.floor(next() * SYLLABLES.length)]).join(''));
  return { zh: [...zh], en: [...en] };
}

interface Question { lang: 'zh' | 'en'; words: string[]; frame: [string, string] }

function question(next: () => number, vocab: { zh: string[]; en: string[] }, lang: 'zh' | 'en'): Question {
  const pool = vocab[lang];
  const frames = lang === 'zh' ? ZH_FRAMES : EN_FRAMES;
  const words = Array.from({ length: 3 + Math.floor(next() * 3) }, () => pool[Math.floor(next() * pool.length)]!);
  return { lang, words, frame: frames[Math.floor(next() * frames.length)]! };
}

const text = (q: Question): string => {
  const sep = q.lang === 'zh' ? '' : ' ';
  return [q.frame[0], ...q.words, q.frame[1]].filter((w) => w !== '').join(sep) + (q.lang === 'zh' ? '？' : '?');
};

const toEntry = (q: Question, i: number): CacheEntryInput => ({
  question: text(q), lang: q.lang, answer: `answer ${i}`, sources: [{ id: `doc-${i % 97}#0`, title: 'doc', score: 1 }],
  docHashes: { [`doc-${i % 97}`]: 'h' }, model: 'retrieval',
});

interface Row { entries: number; p50Us: number; p99Us: number; meanUs: number; hitRate: number; scoredPerLookup?: number }

function measure(entries: number): Row {
  const next = rng(16);
  const vocab = vocabulary(next);
  const stored = Array.from({ length: entries }, (_, i) => question(next, vocab, i % 2 === 0 ? 'zh' : 'en'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-cache-bench-'));
  const cache = createSqliteAnswerCache({ path: path.join(dir, 'cache.db'), ttlMs: 0 });
  try {
    cache.warm(stored.map(toEntry));
    const asks = Array.from({ length: LOOKUPS }, (_, i): Question => {
      if (i % 2 === 1) return question(next, vocab, i % 4 === 1 ? 'zh' : 'en');
      const q = stored[Math.floor(next() * stored.length)]!;
      // A paraphrase: a filler in front, one content word of five dropped where there are five.
      const words = q.words.length >= 5 ? q.words.slice(1) : q.words;
      return { ...q, words, frame: [q.lang === 'zh' ? `请问${q.frame[0]}` : `please ${q.frame[0]}`, q.frame[1]] };
    });
    for (const q of asks.slice(0, 200)) cache.lookup(text(q), { lang: q.lang }); // warm-up (JIT, page cache)
    const before = cache.stats();
    const scoredBefore = cache.scoredCandidates?.() ?? 0;
    const times: number[] = [];
    for (const q of asks) {
      const t0 = process.hrtime.bigint();
      cache.lookup(text(q), { lang: q.lang });
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    const after = cache.stats();
    const scored = cache.scoredCandidates === undefined ? undefined : Math.round(((cache.scoredCandidates() - scoredBefore) / LOOKUPS) * 10) / 10;
    times.sort((a, b) => a - b);
    const q = (p: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 10) / 10;
    const hits = after.hits - before.hits;
    return { entries, p50Us: q(0.5), p99Us: q(0.99), meanUs: Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 10) / 10, hitRate: Math.round((hits / LOOKUPS) * 1000) / 1000, ...(scored === undefined ? {} : { scoredPerLookup: scored }) };
  } finally {
    cache.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const rows = SIZES.map(measure);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  if (process.argv.includes('--baseline')) {
    writeFileSync(BASELINE, `${JSON.stringify({ commit, date: new Date().toISOString(), load, rows }, null, 2)}\n`);
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const base = existsSync(BASELINE) ? (JSON.parse(readFileSync(BASELINE, 'utf8')) as { commit: string; load: string; rows: Row[] }) : null;
  const lines = [
    '| entries | p50 µs | p99 µs | mean µs | hit rate | questions looked at per lookup |' + (base === null ? '' : ` before p50 / p99 / mean µs (${base.commit}) |`),
    '|---:|---:|---:|---:|---:|---:|' + (base === null ? '' : '---:|'),
    ...rows.map((r) => {
      const b = base?.rows.find((x) => x.entries === r.entries);
      return `| ${r.entries} | ${r.p50Us} | ${r.p99Us} | ${r.meanUs} | ${r.hitRate} | ${r.scoredPerLookup ?? r.entries / 2} |` + (base === null ? '' : ` ${b === undefined ? '–' : `${b.p50Us} / ${b.p99Us} / ${b.meanUs}`} |`);
    }),
  ];
  console.log(lines.join('\n'));
  if (process.argv.includes('--write')) {
    writeBenchSection('cache-lookup', [
      '## Answer-cache lookup against entries (`npm run bench:cache -- --write`)',
      '',
      `Per lookup, ${LOOKUPS} lookups (half paraphrases of stored questions, half unseen) on a file-backed cache warmed with N synthetic zh/en questions; everything included (normalising, segmenting, match, counters). *Questions looked at*: posting entries the index reads (before: the scan scored every question of the language, N/2). Load average ${load}${base === null ? '' : `; before measured at ${base.commit}, load ${base.load}`}.`,
      '',
      ...lines,
      '',
      // Written from the run of 2026-12-07; rerun, check it still holds.
      'Lookup cost against entries: the index reads the questions sharing a pair of the query\'s rarest features (src/cache/pair-index.ts), which stays under one per lookup from 1k to 50k entries (single-feature lists read 0.6 / 10.7 / 61.4 at 1k / 10k / 50k: with a fixed vocabulary of 4000 words per language they grow with N). Time is flat since the exact match and the rows of served entries are answered from memory (src/cache/answer-cache.ts, src/cache/recent-rows.ts): before that, the probe of the (lang, norm) index in the file and the row read on every hit grew with entries, p50 29 → 59 µs from 1k to 50k entries at load 26-31 and 23 → 53 µs at load 4 (2026-12-07); the index alone measured 15 / 21 / 20 µs p50 at 1k / 10k / 50k. p99 and mean on a loaded machine are preemptions. Same hit rate before and after: same matches.',
    ].join('\n'));
  }
}

main();
