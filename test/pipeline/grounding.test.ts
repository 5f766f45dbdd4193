import { describe, expect, it } from 'vitest';
import { isDecline, lexicalSupport, unsupportedFigures } from '../../src/pipeline/grounding-check.ts';
import { SentenceHoldback } from '../../src/pipeline/sentence-holdback.ts';
import { buildPrompt, estimateTokens, trimHistory } from '../../src/pipeline/prompt-builder.ts';

const passage = '7天无理由退货:签收后7天内,商品完好可申请退货,运费12元由买家承担。Refunds take 1-3 business days.';

describe('grounding check', () => {
  it('accepts figures that appear in the passages', () => {
    expect(unsupportedFigures('签收后7天内可以退货,运费12元 [1]', passage)).toEqual([]);
  });
  it('flags invented order numbers, amounts and days', () => {
    expect(unsupportedFigures('您的订单 202611240001 将在 15 天内退款 99 元', passage)).toEqual(['202611240001', '15', '99']);
  });
  it('ignores thousands separators', () => {
    expect(unsupportedFigures('price 1,299 yuan', 'costs 1299 yuan')).toEqual([]);
  });
  it('measures lexical support', () => {
    expect(lexicalSupport('签收后7天内可以退货', passage)).toBeGreaterThan(0.7);
    expect(lexicalSupport('我们赠送一台免费的冰箱给您', passage)).toBeLessThan(0.3);
  });
});

describe('sentence holdback', () => {
  it('releases whole sentences only and keeps decimals intact', () => {
    const h = new SentenceHoldback();
    expect(h.push('运费12')).toEqual([]);
    expect(h.push('元。退款')).toEqual(['运费12元。']);
    expect(h.push('需要1.')).toEqual([]);
    expect(h.push('5天。Done. Next')).toEqual(['退款需要1.5天。', 'Done.']);
    expect(h.flush()).toBe(' Next');
  });
});

describe('prompt builder', () => {
  it('puts policy, numbered passages, trimmed history and the question in order', () => {
    const messages = buildPrompt({
      userMessage: '退货运费谁出?',
      passages: [{ id: 'r1#0', docId: 'r1', title: '7天无理由退货', text: passage, score: 9 }],
      history: [
        { role: 'user', content: 'old '.repeat(400) },
        { role: 'assistant', content: 'old answer' },
        { role: 'user', content: '你好' },
        { role: 'assistant', content: '您好' },
      ],
      lang: 'zh',
      historyTokenBudget: 50,
    });
    expect(messages[0]!.role).toBe('system');
    expect(messages[0]!.content).toContain('[1] 7天无理由退货:');
    expect(messages.slice(1).map((m) => m.content)).toEqual(['old answer', '你好', '您好', '退货运费谁出?']);
  });
  it('estimates tokens for mixed text', () => {
    expect(estimateTokens('退货')).toBe(2);
    expect(estimateTokens('abcdefgh')).toBe(2);
    expect(trimHistory([{ role: 'user', content: 'x'.repeat(1000) }], 10)).toEqual([]);
  });
});

describe('isDecline', () => {
  it.each([
    '抱歉,资料里没有这个问题的相关信息,我不能确定答案。',
    '不好意思,我在资料中没有找到相关内容。',
    "I'm sorry, I don't have that information in my passages.",
    "Sorry, the passages I have don't cover this.",
  ])('recognises "%s"', (s) => expect(isDecline(s)).toBe(true));

  it.each([
    '电热水器提供免费基础安装,师傅48小时内上门[1]。',
    '抱歉,我不能修改价格、发放资料以外的优惠或承诺退款赔偿。',
    "I'm afraid I can't do that: I can't promise discounts beyond our policies.",
    'Orders paid before 16:00 ship the same day [1].',
  ])('does not flag "%s"', (s) => expect(isDecline(s)).toBe(false));
});
