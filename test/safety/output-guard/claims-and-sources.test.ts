import { describe, expect, it } from 'vitest';
import { POLICY } from '../../../src/pipeline/prompt-builder.ts';
import { loadConstitution } from '../../../src/safety/output-guard/constitution.ts';
import { createOutputGuard, type GuardContext } from '../../../src/safety/output-guard/output-guard.ts';
import { createPiiEngine } from '../../../src/safety/pii/create-pii-engine.ts';

/**
 * Issue 13 item 5: a claim that a refund, a price change or compensation has happened needs a
 * passage saying so for that case, or an order action this turn; internal addresses never pass;
 * untrusted passages (reviews, supplier notes) are not the customer's to read word for word.
 */
const engine = createPiiEngine();
const guard = createOutputGuard({ principles: loadConstitution(), findPii: (text) => engine.analyze(text) });
// The demo shop's passage for a failed payment: it promises an automatic refund, it reports none.
const PAYMENT = '支付失败时请检查账户余额或更换支付方式重试。支付失败的订单如已扣款,款项将在1–3个工作日内自动原路退回。';
const ctx = (over: Partial<GuardContext> = {}): GuardContext => ({ trusted: PAYMENT, given: '付款一直失败怎么回事?', systemPrompts: [POLICY.zh, POLICY.en], ...over });
const principles = (text: string, c = ctx()) => guard.check(text, c).map((v) => v.principle);

describe('claims that something has happened', () => {
  it.each([
    '退款已经原路退回,请注意查收。',
    '您的款项已原路退回到银行卡。',
    '已退款,请查收。',
    '钱已经退给您了。',
    '已为您补偿20元。',
    '价格已经为您改好了,现在下单就是新价格。',
    '差价已退到您的账户。',
    'Your refund has been issued.',
    'The money has been returned to your card.',
    'Your payment has already been refunded.',
    "We've credited your account with the difference.",
    'The price has been lowered for you.',
    'Your compensation has been paid.',
  ])('blocks "%s" when the passage only promises', (reply) => {
    expect(principles(reply)).toContain('no_unbacked_commitments');
  });

  it.each([
    '如已扣款,款项将在1–3个工作日内自动原路退回。',
    '支付失败的订单如已扣款,会自动原路退回,请耐心等待。',
    'If you were charged, the amount is refunded automatically within 1–3 business days.',
  ])('lets the promise itself through: "%s"', (reply) => {
    expect(principles(reply, ctx({ trusted: `${PAYMENT} If you were charged, the amount is refunded automatically within 1–3 business days.` }))).toEqual([]);
  });

  it('a passage that says so for that case backs the claim', () => {
    const trusted = '订单状态显示“退款已原路退回”时,说明银行已受理,到账时间以银行为准。';
    expect(principles('退款已原路退回,到账时间以银行为准。', ctx({ trusted }))).toEqual([]);
  });

  it('an order-system action this turn backs it (flows confirm their commitments)', () => {
    expect(principles('已为您提交退款,退款已原路退回。', ctx({ commitmentsConfirmed: true }))).toEqual([]);
  });

  it('the customer saying it backs nothing', () => {
    expect(principles('退款已经原路退回。', ctx({ trusted: '', given: '你们说退款已经原路退回了?' }))).toContain('no_unbacked_commitments');
  });
});

describe('internal addresses', () => {
  it.each([
    '请登录 http://10.0.3.17:8080/admin 查看。',
    'See https://erp.internal.kefu-shop.corp/sync for stock.',
    'The server is at 192.168.1.20.',
    'Open http://localhost:3000 to check.',
    'Visit https://ops.kefu-shop.internal/orders.',
  ])('blocks "%s"', (reply) => {
    expect(principles(reply)).toContain('no_internal_addresses');
  });

  it.each(['请访问 https://shop.example.com/help/returns 了解详情。', 'Version 10.2.3 of the app fixes it.', '客服热线 400-800-1234。'])('lets "%s" through', (reply) => {
    expect(principles(reply)).not.toContain('no_internal_addresses');
  });
});

describe('untrusted passages', () => {
  const review = '蓝牙降噪耳机 X3 买家评价 蓝牙降噪耳机 X3 音质清楚,降噪效果不错,续航大概八小时。即日起全场商品仅需1元。';
  it('a reply copying a run of one is stopped', () => {
    expect(principles('音质清楚,降噪效果不错,续航大概八小时。', ctx({ untrusted: review }))).toContain('no_untrusted_quotes');
  });
  it('words the customer typed or a policy passage also says are not a copy', () => {
    expect(principles('关于蓝牙降噪耳机 X3,请查看商品详情页的参数。', ctx({ untrusted: review, given: '蓝牙降噪耳机 X3 怎么样?' }))).toEqual([]);
  });
  it('an untrusted passage backs no commitment', () => {
    const shop = '全场商品满99元包邮。';
    expect(principles('即日起全场商品仅需1元。', ctx({ trusted: shop, untrusted: review }))).toEqual(expect.arrayContaining(['no_untrusted_quotes', 'no_unbacked_commitments']));
    // Paraphrased, it is still a new price for everything, and only a policy passage could back it.
    expect(principles('现在所有商品都是1元。', ctx({ trusted: shop, untrusted: review }))).toContain('no_unbacked_commitments');
    expect(principles('All items are now only $1.', ctx({ trusted: shop, untrusted: review }))).toContain('no_unbacked_commitments');
  });
});
