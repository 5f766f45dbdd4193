import { describe, expect, it } from 'vitest';
import { isValidResidentId, maskBasicPii, withoutPlaceholders } from '../../src/safety/basic-pii-masker.ts';

describe('basic PII masker', () => {
  it('masks mobile numbers in common spellings', () => {
    expect(maskBasicPii('电话13812345678')).toBe('电话[手机号]');
    expect(maskBasicPii('call +86 138-1234-5678 now')).toBe('call [手机号] now');
    expect(maskBasicPii('138 1234 5678')).toBe('[手机号]');
  });
  it('masks resident IDs only when the check digit is valid', () => {
    expect(isValidResidentId('11010519491231002X')).toBe(true);
    expect(maskBasicPii('身份证11010519491231002X')).toBe('身份证[身份证号]');
    expect(maskBasicPii('SKU 110105194912310021')).toBe('SKU 110105194912310021');
  });
  it('masks Luhn-valid bank cards, 19-digit UnionPay included, and e-mail', () => {
    expect(maskBasicPii('卡号 6222 0212 3456 7890 128')).toContain('[银行卡号]');
    expect(maskBasicPii('card 4111111111111111')).toBe('card [银行卡号]');
    expect(maskBasicPii('order 4111111111111112')).toBe('order 4111111111111112');
    expect(maskBasicPii('mail zhang.san@example.com')).toBe('mail [邮箱]');
  });
  it('leaves order numbers and prices alone', () => {
    expect(maskBasicPii('订单 KF20261124001 金额 1299 元')).toBe('订单 KF20261124001 金额 1299 元');
  });
});

describe('withoutPlaceholders', () => {
  it('drops placeholders so an English question stays English for NLU and search', () => {
    const masked = maskBasicPii('How long does shipping take? My phone is 13812345678');
    expect(masked).toContain('[手机号]');
    expect(withoutPlaceholders(masked)).toBe('How long does shipping take?');
  });

  it('keeps the question, drops the clause that only says who is asking', () => {
    expect(withoutPlaceholders(maskBasicPii('我的手机号是13812345678,怎么开发票?'))).toBe('怎么开发票?');
    expect(withoutPlaceholders(maskBasicPii('13812345678'))).toBe('');
    expect(withoutPlaceholders(maskBasicPii('请打13812345678联系我'))).toBe('请打 联系我');
  });
});
