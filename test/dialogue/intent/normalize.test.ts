import { describe, expect, it } from 'vitest';
import { NUMBER_TOKEN, normalize } from '../../../src/dialogue/intent-training/normalize.ts';

describe('normalize', () => {
  it('folds full-width characters to half-width and lower-cases', () => {
    expect(normalize('ＲＥＦＵＮＤ　ｐｌｅａｓｅ！')).toBe('refund please');
    expect(normalize('Where IS my Package?')).toBe('where is my package');
  });

  it('turns punctuation into single spaces and drops apostrophes from contractions', () => {
    expect(normalize('退款，多久？？到账！！')).toBe('退款 多久 到账');
    expect(normalize("I don't know what's going on")).toBe('i dont know whats going on');
  });

  it('maps Chinese typos and near-homophones to the intended word', () => {
    expect(normalize('这个能推货吗')).toBe('这个能退货吗');
    expect(normalize('退火流程')).toBe('退货流程');
    expect(normalize('发漂开一下')).toBe('发票开一下');
    expect(normalize('快第到了没')).toBe('快递到了没');
    expect(normalize('取笑订单')).toBe('取消订单');
    expect(normalize('优惠卷')).toBe('优惠券');
  });

  it('maps English misspellings and chat shorthand', () => {
    expect(normalize('refnud pls')).toBe('refund please');
    expect(normalize('wrong adress')).toBe('wrong address');
    expect(normalize('cancle my ordr')).toBe('cancel my order');
    expect(normalize('thx')).toBe('thanks');
  });

  it('maps pinyin typed without conversion', () => {
    expect(normalize('tuihuo 怎么弄')).toBe('退货 怎么弄');
    expect(normalize('我的dingdan fahuo了吗')).toBe('我的订单 发货了吗');
    expect(normalize('fapiao')).toBe('发票');
  });

  it('reduces order and tracking numbers to one token and strips PII placeholders', () => {
    expect(normalize('订单KF20261124001咋回事')).toBe(`订单 ${NUMBER_TOKEN} 咋回事`);
    expect(normalize('单号SF1234567890')).toBe(`单号 ${NUMBER_TOKEN}`);
    expect(normalize('手机号[手机号]错了')).toBe('手机号 错了');
    expect(normalize('invoice for {{Order Number}}')).toBe('invoice for');
  });

  it('simplifies common traditional characters and collapses held-down keys', () => {
    expect(normalize('退貨訂單')).toBe('退货订单');
    // Broadly, not only shop words (OpenCC's character table), and Simplified text is left alone.
    expect(normalize('退貨政策是什麼')).toBe('退货政策是什么');
    expect(normalize('這件衣服是甚麼材質 頭髮 臺灣 裏面')).toBe('这件衣服是什么材质 头发 台湾 里面');
    expect(normalize('什么 里 后 发 只 干 么')).toBe('什么 里 后 发 只 干 么');
    expect(normalize('hiiiii')).toBe('hi');
    expect(normalize('急急急急')).toBe('急急');
    expect(normalize('哈哈哈哈')).toBe('哈哈');
  });
});
