import { describe, expect, it } from 'vitest';
import { createPiiEngine } from '../../../src/safety/pii/create-pii-engine.ts';
import type { PiiType } from '../../../src/safety/pii/pii-types.ts';

const engine = createPiiEngine();
/** `type:text` of everything found at the default threshold. */
const found = (text: string, types?: PiiType[]) => engine.analyze(text, types === undefined ? {} : { types }).map((e) => `${e.type}:${e.text}`);
const scoreOf = (text: string, type: PiiType) => engine.analyze(text, { types: [type], minScore: 0 })[0]?.score ?? 0;

describe('resident ID recognizer', () => {
  it('finds valid 18-character IDs, grouped or not', () => {
    expect(found('身份证号440305199806157893，实名认证失败')).toEqual(['id_card:440305199806157893']);
    expect(found('证件 440305 19980615 7893')).toEqual(['id_card:440305 19980615 7893']);
    expect(found('ID: 11010519491231002x')).toEqual(['id_card:11010519491231002x']);
  });
  it('leaves an 18-digit product code with a wrong check digit alone', () => {
    expect(found('商品编码440305199806157890是正品吗')).toEqual([]);
    expect(found('订单号 202411240001234567 还没发货')).toEqual([]);
  });
  it('needs a cue for a 15-digit first-generation ID', () => {
    expect(found('老身份证 110105491231002 还能用吗')).toEqual(['id_card:110105491231002']);
    expect(found('快递单号 110105491231002')).toEqual([]);
    expect(scoreOf('110105491231002', 'id_card')).toBeLessThan(0.5);
  });
  it('scores higher with an ID cue and lower with an order cue', () => {
    const plain = scoreOf('号码 440305199806157893', 'id_card');
    expect(scoreOf('身份证 440305199806157893', 'id_card')).toBeGreaterThan(plain);
    expect(scoreOf('订单号 440305199806157893', 'id_card')).toBeLessThan(0.5);
  });
  it('reads "身份证编号" as an ID cue, not a product-code cue', () => {
    expect(found('身份证编号440305199806157893')).toEqual(['id_card:440305199806157893']);
    expect(found('产品编号440305199806157893')).toEqual([]);
  });
});

describe('mobile and landline recognizers', () => {
  it('finds mobiles with +86/0086, spaces and dashes', () => {
    expect(found('电话13812345678')).toEqual(['phone:13812345678']);
    expect(found('call +86 138 1234 5678 now')).toEqual(['phone:+86 138 1234 5678']);
    expect(found('手机 0086-139-0123-4567')).toEqual(['phone:0086-139-0123-4567']);
    expect(found('full-width １３８１２３４５６７８')).toEqual(['phone:１３８１２３４５６７８']);
  });
  it('rejects wrong prefixes, lengths and longer digit runs', () => {
    expect(found('12812345678 and 1381234567 and 138123456789')).toEqual([]);
    expect(found('order KF13812345678')).toEqual([]);
  });
  it('drops an 11-digit number after a tracking cue', () => {
    expect(found('快递单号13579246801一直没更新')).toEqual([]);
    expect(scoreOf('手机13579246801', 'phone')).toBeGreaterThan(scoreOf('单号13579246801', 'phone'));
  });
  it('finds landlines with area codes and 400/800 numbers', () => {
    expect(found('座机010-62345678')).toEqual(['landline:010-62345678']);
    expect(found('电话 (0755)86001234')).toEqual(['landline:(0755)86001234']);
    expect(found('Office +86 20 3866 1234')).toEqual(['landline:+86 20 3866 1234']);
    expect(found('热线 400-820-8820')).toEqual(['landline:400-820-8820']);
    expect(found('0931-8123456')).toEqual(['landline:0931-8123456']);
  });
  it('rejects a three-digit area code with a seven-digit number, and dates', () => {
    expect(found('010-6234567')).toEqual([]);
    expect(found('2024-11-24 下单')).toEqual([]);
  });
});

describe('bank card recognizer', () => {
  it('finds Luhn-valid cards: 19-digit UnionPay, grouped, dashed', () => {
    expect(found('卡号6222026369661878739')).toEqual(['bank_card:6222026369661878739']);
    expect(found('card 4111 1111 1111 1111')).toEqual(['bank_card:4111 1111 1111 1111']);
    expect(found('信用卡 4111-1111-1111-1111')).toEqual(['bank_card:4111-1111-1111-1111']);
  });
  it('rejects Luhn failures', () => {
    expect(found('卡号 6222024732398448116')).toEqual([]);
    expect(found('card 4111111111111112')).toEqual([]);
  });
  it('needs a card cue for a Luhn-valid number without a known issuer prefix', () => {
    expect(found('3033594724883589')).toEqual([]);
    expect(found('银行卡 3033594724883589')).toEqual(['bank_card:3033594724883589']);
    expect(found('订单号1715063623449404')).toEqual([]);
  });
});

describe('credit code, e-mail and IP recognizers', () => {
  it('finds a unified social credit code only with a valid check character', () => {
    expect(found('税号91440300MA5F12342Q')).toEqual(['uscc:91440300MA5F12342Q']);
    expect(found('税号91440300MA5F12342X')).toEqual([]);
  });
  it('finds e-mail addresses', () => {
    expect(found('邮箱：wang_wei1988@qq.com，谢谢')).toEqual(['email:wang_wei1988@qq.com']);
    expect(found('to Chen.Jie+shop@mail.example.co.uk.')).toEqual(['email:Chen.Jie+shop@mail.example.co.uk']);
    expect(found('@客服小王 在吗')).toEqual([]);
  });
  it('finds IPv4 and IPv6, not versions, times or MAC addresses', () => {
    expect(found('IP是112.64.35.18')).toEqual(['ip:112.64.35.18']);
    expect(found('from 2001:db8::8a2e:370:7334')).toEqual(['ip:2001:db8::8a2e:370:7334']);
    expect(found('版本 2.3.1.4 闪退')).toEqual([]);
    expect(found('build 10.0.19045.3693')).toEqual([]);
    expect(found('12:30:45 和 00:1A:2B:3C:4D:5E')).toEqual([]);
    expect(found('999.1.1.1')).toEqual([]);
  });
});
