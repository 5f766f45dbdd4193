import { describe, expect, it } from 'vitest';
import { isCacheable, isPersonalQuestion } from '../../src/cache/cacheable.ts';
import { jaccard, normaliseQuestion, questionFeatures } from '../../src/cache/normalise.ts';

describe('normaliseQuestion', () => {
  it('drops fillers, punctuation, particles, full-width and case', () => {
    expect(normaliseQuestion('请问，退货运费谁出呀？', 'zh')).toBe('退货运费谁出');
    expect(normaliseQuestion('你好 麻烦您 退货运费 谁出', 'zh')).toBe('退货运费谁出');
    expect(normaliseQuestion('Hello, HOW do I track my order, please?', 'en')).toBe('how do i track my order');
    expect(normaliseQuestion('ＨＯＷ long do refunds take？', 'en')).toBe('how long do refunds take');
  });

  it('scores paraphrases above unrelated questions', () => {
    const f = (s: string) => questionFeatures(normaliseQuestion(s, 'zh'));
    expect(jaccard(f('退货运费谁承担'), f('退货运费谁承担？'))).toBe(1);
    expect(jaccard(f('退款多久到账'), f('发票怎么开'))).toBe(0);
  });
});

describe('isCacheable', () => {
  it.each([
    '我昨天下的单发货了没', '订单KF20261124001咋回事', '我的订单付款成功了吗', '快递单号SF1234567890查一下', '我手机号[手机号]下的单',
    '请联系[PHONE_1]', 'where is my order', 'I ordered a TV yesterday', '帮我查下订单状态', 'my order from last week', '我前天买的电视什么时候到',
  ])('never caches the personal question %s', (q) => {
    expect(isPersonalQuestion(q)).toBe(true);
    expect(isCacheable(q)).toBe(false);
  });

  it.each(['退货运费谁承担？', 'How do I track my order?', '积分怎么获得和使用？', 'How long do refunds take?', '如何取消订单？'])('allows the general question %s', (q) => {
    expect(isCacheable(q)).toBe(true);
  });

  it('never caches flows, handoffs, unanswered, guarded or unsourced replies, or personal intents', () => {
    const ok = { intent: 'return', sources: [{ id: 'a#0' }] };
    expect(isCacheable('退货运费谁承担', ok)).toBe(true);
    expect(isCacheable('退货运费谁承担', { ...ok, flow: { name: 'return', step: 'ask' } })).toBe(false);
    expect(isCacheable('退货运费谁承担', { ...ok, handoff: true })).toBe(false);
    expect(isCacheable('退货运费谁承担', { ...ok, unanswered: true })).toBe(false);
    expect(isCacheable('退货运费谁承担', { ...ok, guardReplaced: true })).toBe(false);
    expect(isCacheable('退货运费谁承担', { ...ok, inputGuard: { action: 'block' } })).toBe(false);
    expect(isCacheable('退货运费谁承担', { ...ok, sources: [] })).toBe(false);
    expect(isCacheable('发货了吗', { ...ok, intent: 'order_status' })).toBe(false);
  });
});
