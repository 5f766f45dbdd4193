import { describe, expect, it } from 'vitest';
import { understand } from '../../src/dialogue/basic-nlu.ts';

describe('basic NLU', () => {
  it.each([
    ['昨天下的单怎么还没发货?', 'order_status'],
    ['我的快递到哪了', 'logistics'],
    ['你们的退货政策是什么?', 'return'],
    ['退款多久到账', 'refund'],
    ['我想换货', 'exchange'],
    ['收货地址写错了', 'address_change'],
    ['取消订单', 'cancel_order'],
    ['怎么开发票', 'invoice'],
    ['有优惠券吗', 'price_coupon'],
    ['空气净化器怎么安装', 'product_question'],
    ['支付失败了', 'payment_problem'],
    ['我要投诉', 'complaint'],
    ['转人工', 'human_agent'],
    ['你好', 'greeting'],
    ['谢谢,再见', 'goodbye'],
    ['How long does shipping take?', 'logistics'],
    ['I want a refund', 'refund'],
    ['Can I talk to a real person?', 'human_agent'],
  ])('%s → %s', (text, intent) => {
    expect(understand(text).intent).toBe(intent);
  });

  it('reads emotion from words and punctuation, and carries frustration over', () => {
    const first = understand('昨天下的单怎么还没发货?');
    expect(first.emotion.label).toBe('dissatisfied');
    const angry = understand('什么破服务!!!气死我了!!!');
    expect(angry.emotion.label).toBe('angry');
    expect(angry.emotion.intensity).toBeGreaterThanOrEqual(0.9);
    const again = understand('还没发货', first.emotion);
    expect(again.emotion.intensity).toBeGreaterThan(first.emotion.intensity);
    expect(understand('hello').emotion).toEqual({ label: 'neutral', intensity: 0 });
  });
});
