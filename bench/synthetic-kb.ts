import type { KbDocument } from '../src/contracts/knowledge-base.ts';
import { chunkText } from '../src/knowledge/chunker.ts';
import { mulberry32 } from '../src/random/mulberry32.ts';

/**
 * The synthetic knowledge base the retrieval benchmarks index (10k passages in bench/kb-search.ts,
 * 100k in bench/scale/kb-100k.ts): demo-KB entries varied by product and city, and the mixed
 * Chinese/English questions asked of it.
 */
/** Small deterministic PRNG (mulberry32) so every run indexes and asks the same things. */
export function rng(seed: number): () => number {
  return mulberry32(seed);
}

export const PRODUCTS_ZH = ['空气净化器 P3', '65英寸电视', '60升电热水器', '扫地机器人 R5', '电饭煲 C2', '蓝牙耳机 B1', '加湿器 H2', '电动牙刷 T1', '破壁机 M3', '智能音箱 S1'];
export const PRODUCTS_EN = ['Air Purifier P3', '65-inch TV', '60 L Water Heater', 'Robot Vacuum R5', 'Rice Cooker C2', 'Bluetooth Earbuds B1', 'Humidifier H2', 'Electric Toothbrush T1', 'Blender M3', 'Smart Speaker S1'];
const CITIES_ZH = ['上海', '北京', '广州', '成都', '杭州', '武汉', '西安', '乌鲁木齐', '拉萨', '南京'];
const CITIES_EN = ['Shanghai', 'Beijing', 'Guangzhou', 'Chengdu', 'Hangzhou', 'Wuhan', "Xi'an", 'Urumqi', 'Lhasa', 'Nanjing'];

export const pick = <T>(xs: readonly T[], r: () => number): T => {
  const x = xs[Math.floor(r() * xs.length)];
  if (x === undefined) throw new Error('pick from an empty list');
  return x;
};

/**
 * Variations of the demo entries (per-product and per-city versions with a sentence from another
 * entry), added until the knowledge base holds `passages` chunks.
 */
export function synthesise(base: readonly KbDocument[], passages: number, r: () => number): KbDocument[] {
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

export const QUESTIONS = [
  '你们的退货政策是什么?', '七天无理由退货', '运费多少', '多久能到', '退款多久到账', '微信支付退款要几天', '能开专票吗', '地址写错了',
  '怎么取消订单', '优惠券用不了', '降价了能退差价吗', '会员等级', '积分怎么用', '保修多久', '电视怎么挂墙', '热水器安装', '付款失败',
  '扣了两次钱', '花呗分期', '人工客服几点上班', '物流不更新', 'How long does shipping take?', 'Can I return an item after 7 days?',
  'refund to credit card', 'change my address', 'cancel order', 'double charged', 'wall mount TV', 'customer service hours',
  'VAT invoice', 'price protection', 'points expire', '今天天气怎么样', 'what is the capital of France',
];

