/**
 * Writes eval/cache/replay.jsonl: realistic cache traffic with a long tail. Questions about the
 * demo KB's documents (several hand-written paraphrases each) are drawn with Zipf-like weights;
 * personal/order questions (answer_key null: they must never hit) and near-miss decoys (look like
 * a frequent question, need another document) are mixed in. Deterministic (seeded).
 *
 *   npx tsx scripts/make-cache-replay.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const OUT = path.resolve(import.meta.dirname, '../eval/cache/replay.jsonl');
const REQUESTS = 2400;

/** Most asked first: [answer_key, paraphrases...]. */
const TOPICS: [string, ...string[]][] = [
  ['track-order-zh', '如何查询物流信息？', '怎么查物流', '物流信息在哪里看', '在哪查快递进度', '怎么看快递到哪了', '查物流的方法'],
  ['return-policy-zh', '退货政策：7天无理由退货', '支持七天无理由退货吗', '可以7天无理由退货吗', '七天无理由退货怎么算', '你们支持无理由退货吗', '多少天内可以退货'],
  ['refund-timeline-zh', '退款多久到账？', '退款几天能到账', '退款要多久', '退的钱多久到', '退款到账时间是多久', '钱多久退回来'],
  ['ship-times-zh', '多久能收到货？', '发货后几天能到', '一般几天发货', '配送要几天', '多久发货', '下单后多久能到'],
  ['ship-fees-zh', '运费多少？', '包邮吗', '满多少包邮', '运费怎么算', '多少钱包邮', '邮费多少'],
  ['track-order-en', 'How do I track my order?', 'how can i track my package', 'where can I see tracking info', 'how to check shipping status', 'track a parcel'],
  ['return-shipping-zh', '退货运费谁承担？', '退货运费谁出', '退货要自己付运费吗', '退货邮费谁出', '退货的运费由谁承担'],
  ['invoice-electronic-zh', '如何开具电子发票？', '怎么开发票', '电子发票怎么开', '发票在哪里开', '能开电子发票吗'],
  ['pay-methods-zh', '支持哪些支付方式？', '可以用什么付款', '能用微信支付吗', '支持支付宝吗', '付款方式有哪些'],
  ['return-policy-en', 'Return policy: 7-day no-reason returns', 'can I return an item within 7 days', 'what is your return policy', 'do you accept returns', 'how many days do I have to return something'],
  ['coupon-problem-zh', '优惠券为什么用不了？', '优惠券用不了', '券不能用怎么回事', '为什么优惠券无法使用', '优惠券用不上'],
  ['refund-timeline-en', 'How long do refunds take?', 'how long does a refund take', 'when will I get my money back', 'refund processing time', 'how many days for a refund'],
  ['warranty-policy-zh', '保修多久？', '保修期多长', '质保多久', '保修几年', '有保修吗'],
  ['return-how-zh', '如何申请退货？', '怎么退货', '退货流程是什么', '退货怎么操作', '怎么申请退货'],
  ['points-rules-zh', '积分怎么获得和使用？', '积分怎么用', '积分可以抵扣吗', '积分怎么获得', '积分能抵多少钱'],
  ['exchange-how-zh', '如何申请换货？', '怎么换货', '换货流程', '换货怎么申请', '换货多久发出'],
  ['contact-hours-zh', '客服几点上班？', '人工客服工作时间', '客服上班时间', '客服几点下班', '人工客服几点在线'],
  ['ship-fees-en', 'How much is shipping?', 'is shipping free', 'what are the shipping fees', 'how much does delivery cost', 'free shipping threshold'],
  ['cancel-order-zh', '如何取消订单？', '怎么取消订单', '订单怎么取消', '取消订单在哪里', '怎样取消订单'],
  ['ship-express-zh', '有加急配送吗？', '可以顺丰次日达吗', '能加急吗', '次日达怎么选', '加急配送多少钱'],
  ['member-levels-zh', '会员等级有哪些？', '会员怎么升级', '会员等级怎么划分', '怎么升级金卡会员'],
  ['invoice-vat-zh', '增值税专用发票怎么开？', '能开专票吗', '专用发票怎么开', '可以开增值税专票吗'],
  ['pay-methods-en', 'Which payment methods do you accept?', 'can I pay with alipay', 'what payment options are there', 'do you take credit cards'],
  ['install-booking-zh', '如何预约安装？', '怎么预约安装', '安装怎么预约', '预约上门安装'],
  ['price-protect-zh', '买贵了可以退差价吗？', '降价了能退差价吗', '有价格保护吗', '价保怎么申请'],
  ['return-exceptions-zh', '哪些商品不支持7天无理由退货？', '什么商品不能无理由退货', '哪些东西不能退', '不支持七天无理由的商品有哪些'],
  ['warranty-policy-en', 'How long is the warranty?', 'what is the warranty period', 'how many years of warranty', 'is there a warranty'],
  ['pay-failed-zh', '支付失败怎么办？', '付款失败了', '付不了款怎么办', '支付不成功'],
  ['exchange-policy-zh', '可以换颜色或型号吗？', '能换颜色吗', '可以换个型号吗', '换货政策是什么'],
  ['invoice-change-zh', '发票抬头写错了可以修改吗？', '发票抬头能改吗', '发票开错了怎么改', '修改发票抬头'],
  ['cancel-order-en', 'How do I cancel an order?', 'how can I cancel an order', 'cancel order how', 'can orders be cancelled'],
  ['delivery-signed-zh', '显示已签收但没收到货', '显示签收了但我没收到', '没收到货却显示已签收', '快递显示签收但没拿到'],
  ['refund-cancel-zh', '取消订单后多久退款？', '取消订单钱多久退', '取消后退款多久到', '订单取消了什么时候退款'],
  ['ship-regions-zh', '哪些地区可以送达？', '配送范围有哪些', '新疆能送吗', '偏远地区发货吗'],
  ['coupon-rules-zh', '优惠券使用规则', '优惠券怎么用', '优惠券可以叠加吗', '优惠券有效期多久'],
  ['pay-double-zh', '重复扣款怎么办？', '扣了两次钱', '被重复扣款了', '付了两次款怎么办'],
  ['invoice-electronic-en', 'How do I get an electronic invoice?', 'how can I get an invoice', 'can I get an e-invoice', 'where do I download the invoice'],
  ['track-stuck-zh', '物流信息长时间不更新怎么办？', '物流不更新了', '快递好几天没动', '物流一直不动'],
  ['points-missing-zh', '积分没有到账怎么办？', '积分没到账', '积分怎么还没到', '积分没有加上'],
  ['pay-huabei-zh', '花呗分期怎么用？', '能用花呗分期吗', '支持花呗吗', '花呗分期可以退款吗'],
  ['member-benefits-zh', '各等级会员有什么权益？', '会员有什么好处', '金卡会员有什么权益', '会员权益有哪些'],
  ['install-tv-zh', '电视挂墙安装', '电视可以上门安装吗', '壁挂电视怎么安装', '电视安装收费吗'],
  ['return-quality-zh', '商品有质量问题怎么退货？', '质量问题怎么退', '东西坏了能退吗', '收到的商品有质量问题'],
  ['warranty-claim-zh', '如何申请保修维修？', '怎么申请保修', '坏了怎么报修', '保修怎么申请'],
  ['contact-human-en', 'How do I reach a human agent?', 'how can I talk to a person', 'connect me to a human agent', 'real person please'],
  ['faq-extra-49a69ff49c3d', '可以提供礼品包装吗？', '有礼品包装吗', '能包装成礼物吗'],
  ['faq-extra-b0e690d09121', '企业采购有优惠吗？', '公司采购有折扣吗', '批量采购有优惠吗'],
  ['carriers-zh', '用什么快递？', '发什么快递', '能发顺丰吗', '合作快递有哪些'],
  ['exchange-price-zh', '换不同价格的商品怎么办？', '换货差价怎么算', '换贵的要补差价吗'],
  ['install-heater-zh', '电热水器安装说明', '热水器怎么安装', '热水器安装要收费吗'],
];

/** Near misses: each looks like a frequent question above but needs another document. */
const DECOYS: [string, string][] = [
  ['换货运费谁出', 'exchange-policy-zh'],
  ['换货运费谁承担？', 'exchange-policy-zh'],
  ['会员积分怎么查', 'points-missing-zh'],
  ['积分没到', 'points-missing-zh'],
  ['取消订单后退款多久到', 'refund-cancel-zh'],
  ['如何申请换货', 'exchange-how-zh'],
  ['怎么申请保修', 'warranty-claim-zh'],
  ['退款显示成功但没收到钱', 'refund-not-received-zh'],
  ['发票金额包含运费吗', 'invoice-amount-zh'],
  ['发票抬头写错了', 'invoice-change-zh'],
  ['优惠券规则', 'coupon-rules-zh'],
  ['预售订单可以取消吗', 'cancel-presale-zh'],
  ['用优惠券的订单怎么退款', 'refund-partial-zh'],
  ['地址填错了已经发货', 'address-wrong-zh'],
  ['下单后可以改地址吗', 'address-change-zh'],
  ['空气净化器怎么安装', 'install-purifier-zh'],
  ['哪些情况不保修', 'warranty-exclusions-zh'],
  ['大家电怎么配送', 'jd-bigitem-zh'],
  ['支付失败了怎么退款', 'pay-failed-zh'],
  ['How do I exchange an item?', 'exchange-how-en'],
  ['who pays return shipping', 'return-shipping-en'],
  ['Which items cannot be returned?', 'return-exceptions-en'],
  ['How long is shipping?', 'ship-times-en'],
  ['How do I make a warranty claim?', 'warranty-claim-en'],
  ['Can I cancel a pre-sale order?', 'cancel-presale-en'],
  ['When is my money refunded after cancelling?', 'refund-cancel-en'],
];

/** Personal and order-specific questions: never cached, never served. */
const PERSONAL = [
  '我昨天下的单发货了没', '订单KF20261124001咋回事 一直显示待发货', '我的订单付款成功了吗', '帮我查下订单状态', '我的快递到哪了',
  '我前天买的电视什么时候到', '我的退款到账了吗', '快递单号SF1234567890查一下', '我手机号[PHONE_1]下的单', '我的积分怎么少了',
  'where is my order', 'I ordered a TV yesterday, when will it arrive?', 'my package KF20261201007 has not moved', 'has my refund been processed',
  'my order from last week is still not shipped', '这单能退吗', '我今天下单的能改地址吗', '给我查一下物流', '我的发票开了吗', 'order KF20261124001 status',
];

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickWeighted<T>(items: readonly T[], weights: readonly number[], r: number): T {
  const total = weights.reduce((s, w) => s + w, 0);
  let x = r * total;
  for (let i = 0; i < items.length; i++) {
    x -= weights[i] ?? 0;
    if (x <= 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

const random = rng(20261124);
const zipf = TOPICS.map((_, i) => 1 / (i + 1) ** 1.0);
/** Inside a topic the canonical wording and the first paraphrases are the common ones. */
const inner = (n: number) => Array.from({ length: n }, (_, i) => 1 / (i + 1) ** 0.8);
/** Typing noise real customers add: punctuation, fillers, full-width, case. */
const decorate = (text: string, zh: boolean): string => {
  const r = random();
  if (zh) return r < 0.15 ? `请问${text}` : r < 0.25 ? `你好，${text}` : r < 0.35 ? text.replace(/[？?]$/u, '') + '呢？' : r < 0.45 ? text.replace(/[？?]$/u, '') : text;
  return r < 0.15 ? `Hi, ${text}` : r < 0.25 ? text.toUpperCase() : r < 0.35 ? `${text.replace(/\?$/, '')}, please?` : text;
};

const lines: string[] = [];
for (let i = 0; i < REQUESTS; i++) {
  const r = random();
  if (r < 0.12) {
    const text = PERSONAL[Math.floor(random() * PERSONAL.length)]!;
    lines.push(JSON.stringify({ text, lang: /\p{Script=Han}/u.test(text) ? 'zh' : 'en', answer_key: null, kind: 'personal' }));
  } else if (r < 0.2) {
    const [text, key] = DECOYS[Math.floor(random() * DECOYS.length)]!;
    const zh = /\p{Script=Han}/u.test(text);
    lines.push(JSON.stringify({ text: decorate(text, zh), lang: zh ? 'zh' : 'en', answer_key: key, kind: 'decoy' }));
  } else {
    const [key, ...phrases] = pickWeighted(TOPICS, zipf, random());
    const text = pickWeighted(phrases, inner(phrases.length), random());
    const zh = key.endsWith('-zh') || !/-en$/.test(key) && /\p{Script=Han}/u.test(text);
    lines.push(JSON.stringify({ text: decorate(text, zh), lang: zh ? 'zh' : 'en', answer_key: key, kind: 'paraphrase' }));
  }
}
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, `${lines.join('\n')}\n`);
process.stdout.write(`wrote ${lines.length} requests to ${path.relative(process.cwd(), OUT)}\n`);
