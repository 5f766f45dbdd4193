import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { KbDocument } from '../src/contracts/knowledge-base.ts';
import { chunkText } from '../src/knowledge/chunker.ts';
import { loadKbFiles } from '../src/knowledge/load-kb-files.ts';
import { createSqliteKnowledgeBase } from '../src/knowledge/sqlite-knowledge-base.ts';

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

/** Small deterministic PRNG (mulberry32) so every run indexes and asks the same things. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRODUCTS_ZH = ['空气净化器 P3', '65英寸电视', '60升电热水器', '扫地机器人 R5', '电饭煲 C2', '蓝牙耳机 B1', '加湿器 H2', '电动牙刷 T1', '破壁机 M3', '智能音箱 S1'];
const PRODUCTS_EN = ['Air Purifier P3', '65-inch TV', '60 L Water Heater', 'Robot Vacuum R5', 'Rice Cooker C2', 'Bluetooth Earbuds B1', 'Humidifier H2', 'Electric Toothbrush T1', 'Blender M3', 'Smart Speaker S1'];
const CITIES_ZH = ['上海', '北京', '广州', '成都', '杭州', '武汉', '西安', '乌鲁木齐', '拉萨', '南京'];
const CITIES_EN = ['Shanghai', 'Beijing', 'Guangzhou', 'Chengdu', 'Hangzhou', 'Wuhan', "Xi'an", 'Urumqi', 'Lhasa', 'Nanjing'];

const pick = <T>(xs: readonly T[], r: () => number): T => {
  const x = xs[Math.floor(r() * xs.length)];
  if (x === undefined) throw new Error('pick from an empty list');
  return x;
};

/**
 * Variations of the demo entries (per-product and per-city versions with a sentence from another
 * entry), added until the knowledge base holds `passages` chunks.
 */
function synthesise(base: readonly KbDocument[], passages: number, r: () => number): KbDocument[] {
  const byLang = { zh: base.filter((d) => d.lang === 'zh'), en: base.filter((d) => d.lang !== 'zh') };
  const docs: KbDocument[] = [...base];
  let chunks = base.reduce((n, d) => n + Math.max(1, chunkText(d.text).length), 0);
  for (let i = 0; chunks < passages; i++) {
    const doc = pick(base, r);
    const zh = doc.lang === 'zh';
    const other = pick(zh ? byLang.zh : byLang.en, r);
    const extra = other.text.split(zh ? /(?<=。)/ : /(?<=\.)\s+/)[0] ?? '';
    const product = pick(zh ? PRODUCTS_ZH : PRODUCTS_EN, r);
    const city = pick(zh ? CITIES_ZH : CITIES_EN, r);
    const title = zh ? `${product}（${city}）：${doc.title}` : `${product} (${city}): ${doc.title}`;
    const text = zh
      ? `${doc.text}本条适用于${city}地区购买的${product}。${extra}`
      : `${doc.text} This applies to the ${product} bought in ${city}. ${extra}`;
    const synthetic: KbDocument = { id: `${doc.id}-v${i}`, title, text, lang: zh ? 'zh' : 'en' };
    if (doc.category !== undefined) synthetic.category = doc.category;
    const n = chunkText(text).length;
    if (chunks + n > passages) continue;
    docs.push(synthetic);
    chunks += n;
  }
  return docs;
}

const QUESTIONS = [
  '你们的退货政策是什么?', '七天无理由退货', '运费多少', '多久能到', '退款多久到账', '微信支付退款要几天', '能开专票吗', '地址写错了',
  '怎么取消订单', '优惠券用不了', '降价了能退差价吗', '会员等级', '积分怎么用', '保修多久', '电视怎么挂墙', '热水器安装', '付款失败',
  '扣了两次钱', '花呗分期', '人工客服几点上班', '物流不更新', 'How long does shipping take?', 'Can I return an item after 7 days?',
  'refund to credit card', 'change my address', 'cancel order', 'double charged', 'wall mount TV', 'customer service hours',
  'VAT invoice', 'price protection', 'points expire', '今天天气怎么样', 'what is the capital of France',
];

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

export async function benchKbSearch(): Promise<KbSearchBench> {
  const r = rng(20240611);
  const { documents: base } = await loadKbFiles([DEMO_KB]);
  const docs = synthesise(base, TARGET_PASSAGES, r);
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
    times.sort((a, b) => a - b);
    return { passages, p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), importMs: Math.round(importMs), openMs: Math.round(openMs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  console.log(await benchKbSearch());
}
