import { describe, expect, it } from 'vitest';
import { replyFaults } from '../../src/pipeline/grounding-check.ts';

/** Issue 15 item 2: the replies seen reaching customers, over the demo KB's own passages. */
const payMethods = { title: 'Which payment methods do you accept?', text: 'Kefu Shop accepts Alipay, WeChat Pay, bank cards (UnionPay debit and credit cards) and Huabei instalments. Huabei supports 3, 6 and 12 instalments, and selected marked products offer interest-free 3 and 6 instalments.' };
const payDouble = { title: 'Double charge: I was charged twice for the same order', text: 'If the same order is charged twice, the extra payment is refunded automatically to the original payment method within 1–3 working days; you do not need to apply. If it has not come back after 3 working days, contact customer service with a screenshot of the payment record and we will handle it manually.' };
const shipTimes = { title: 'Shipping times: how long does delivery take?', text: 'Orders paid before 16:00 ship the same day; orders paid after 16:00 ship the next day. Delivery usually takes 1–2 days to Jiangsu, Zhejiang and Shanghai, 2–4 days to other mainland provinces, and 5–7 days to remote areas (Xinjiang, Tibet, Qinghai, Inner Mongolia, Ningxia). During big sales, dispatch may be delayed by 1–2 days.' };
const shipFees = { title: '运费多少？运费标准与包邮规则', text: '单笔订单实付满99元包邮，不满99元收取运费8元。偏远地区（新疆、西藏、青海、内蒙古、宁夏）另加收20元，订单满299元免除该附加费。电视、电热水器等大家电全国免运费。' };
const invoiceAmount = { title: '发票金额是多少？包含运费吗？', text: '发票金额为订单实际支付金额（含运费），优惠券、积分抵扣部分不计入发票金额。发生退货的，原发票会作废，并按剩余商品重新开具。' };

/** Retrieval scores the demo KB gives these passages for the questions below (BM25, whole KB). */
const scored = <T extends object>(p: T, score: number): T & { score: number } => ({ ...p, score });

describe('replyFaults', () => {
  it('passes a complete, cited answer from the passage about the question', () => {
    expect(replyFaults('How long does shipping take?', 'Orders paid before 16:00 ship the same day. Delivery usually takes 1–2 days to Jiangsu, Zhejiang and Shanghai. [1]', [shipTimes])).toEqual([]);
    expect(replyFaults('运费多少?', '单笔订单实付满99元包邮，不满99元收取运费8元。 [1]\n另请参考:「发票金额是多少？包含运费吗？」[2]', [scored(shipFees, 15.6), scored(invoiceAmount, 10.5)])).toEqual([]);
  });

  it('takes the assistant\'s "亲," salutation as no sign of garbling', () => {
    const huabei = { title: '花呗分期怎么用？', text: '在支付页选择“花呗分期”并选择期数即可。订单退款后，花呗额度在1–3个工作日内恢复。' };
    expect(replyFaults('花呗分期怎么用？', '亲,在支付页选择“花呗分期”并选择期数即可[1]。', [huabei])).toEqual([]);
  });

  it('catches the garbled payment answer', () => {
    const reply = 'Kefu Shop accepts Alipay. Book Hdatapping: If the same order is charged twice, the extra payment is refunded automatically. handle it manua [2]';
    expect(replyFaults('What payment methods do you accept?', reply, [scored(payMethods, 16.7), scored(payDouble, 7.9)])).toEqual(expect.arrayContaining(['unknown_tokens', 'truncated', 'cited_off_topic']));
  });

  it('catches replies cut mid-sentence', () => {
    expect(replyFaults('How long does shipping take?', 'Orders paid before 16:00 ship the same day. During big sales, dispatch [1]', [shipTimes])).toContain('truncated');
    expect(replyFaults('Which payment methods do you accept?', 'If it has not come back, contact custom [1]', [payMethods, payDouble])).toContain('truncated');
  });

  it('catches replies that stop mid-sentence before a citation the model closes with a full stop', () => {
    const payFailed = { title: 'What should I do if my payment fails?', text: 'Unpaid orders are kept for 30 minutes and then cancelled automatically. A failed payment is not charged; if you were charged but the order still shows unpaid, the status syncs within 15 minutes, otherwise the money is refunded automatically within 24 hours.' };
    const ask = 'What should I do if my payment fails?';
    expect(replyFaults(ask, 'A failed payment is not charged; if you were charged but the order still shows unpaid [1].', [payFailed])).toContain('truncated');
    expect(replyFaults(ask, 'Unpaid orders are kept for 30 minutes and then cancelled automatically: [1].', [payFailed])).toContain('truncated');
    expect(replyFaults(ask, 'Unpaid orders are kept for 30 minutes (and then [1].', [payFailed])).toContain('truncated');
    expect(replyFaults(ask, 'If you were charged, contact custom [1].', [payFailed, payDouble])).toContain('truncated');
    expect(replyFaults(ask, 'Unpaid orders are kept for 30 minutes and then cancelled automatically [1].', [payFailed])).toEqual([]);
    expect(replyFaults('如何开具电子发票？', '您好,订单确认收货后48小时内自动[1]。', [{ title: '如何开具电子发票？', text: 'Kefu商城默认开具电子普通发票。订单确认收货后48小时内自动开具，可在订单详情中下载PDF。' }])).toContain('truncated');
    expect(replyFaults('如何开具电子发票？', '您好,订单确认收货后48小时内自动开具[1]。', [{ title: '如何开具电子发票？', text: 'Kefu商城默认开具电子普通发票。订单确认收货后48小时内自动开具，可在订单详情中下载PDF。' }])).toEqual([]);
  });

  it('takes a table row quoted whole as finished, and a row cut in its middle as truncated', () => {
    const plans = { title: 'Subscription plans and prices', text: '| Plan | Price |\n|---|---|\n| Basic monthly | 49 yuan per month |\n| Plus yearly | 799 yuan per year |' };
    expect(replyFaults('How much is the Basic monthly plan?', '| Basic monthly | 49 yuan per month | [1]', [plans])).toEqual([]);
    expect(replyFaults('How much is the Basic monthly plan?', '| Basic monthly | 49 yuan [1]', [plans])).toContain('truncated');
  });

  it('catches the invoice passage given for "运费多少?"', () => {
    const faults = replyFaults('运费多少?', '发票金额为订单实际支付金额（含运费），优惠券、积分抵扣部分不计入发票金额。 [2]', [scored(shipFees, 15.6), scored(invoiceAmount, 10.5)]);
    expect(faults).toContain('off_topic');
    expect(faults).toContain('cited_off_topic');
  });

  it('takes linear time on long adversarial text', () => {
    const t0 = performance.now();
    replyFaults('a'.repeat(2_000), `${'a '.repeat(20_000)}[1]`, [{ title: 'x', text: 'ab '.repeat(20_000) }]);
    expect(performance.now() - t0).toBeLessThan(3_000);
  });
});
