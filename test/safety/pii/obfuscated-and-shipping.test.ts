import { describe, expect, it } from 'vitest';
import { createPiiEngine } from '../../../src/safety/pii/create-pii-engine.ts';
import { createSqlitePiiVault } from '../../../src/safety/pii/pii-vault.ts';

/**
 * Issue 13, finding 6 (recognition half): phones written with invisible or non-breaking
 * separators, dots or Chinese numerals, and names in shipping formats, were not masked.
 */
const engine = createPiiEngine();
const found = (text: string) => engine.analyze(text).map((e) => `${e.type}:${e.text}`);
const masked = (text: string) => engine.mask(text).text;

describe('phones behind invisible, non-breaking and dotted separators', () => {
  it('zero-width characters inside the number: the original span is masked, invisible characters and all', () => {
    for (const zw of ['\u200b', '\u200c', '\u200d', '\ufeff']) {
      expect(masked(`电话138${zw}1234${zw}5678，谢谢`)).toBe('电话[手机号]，谢谢');
      expect(masked(`手机1${zw}3${zw}8${zw}1${zw}2${zw}3${zw}4${zw}5${zw}6${zw}7${zw}8`)).toBe('手机[手机号]');
    }
  });
  it('zero-width characters around the number stay outside the span', () => {
    expect(found('号码\ufeff13812345678\u200b到了打我')).toEqual(['phone:13812345678']);
    expect(masked('号码\ufeff13812345678\u200b到了打我')).toBe('号码\ufeff[手机号]\u200b到了打我');
  });
  it('non-breaking, narrow and ideographic spaces as group separators', () => {
    for (const sp of ['\u00a0', '\u202f', '\u3000']) expect(masked(`call 138${sp}1234${sp}5678 now`)).toBe('call [手机号] now');
  });
  it('dots between the groups', () => {
    expect(found('电话：138.1234.5678')).toEqual(['phone:138.1234.5678']);
    expect(masked('reach me at 151.3456.7890 thanks')).toBe('reach me at [手机号] thanks');
  });
  it('a dotted number called a model or an order number is no phone', () => {
    expect(found('型号 138.1234.5678 的配件有吗')).toEqual([]);
    expect(found('订单号 1381234\u200b5678')).toEqual([]);
  });
});

describe('phones in Chinese numerals and full-width digits', () => {
  it('一 to 九 with 〇, 零 and 幺 for the digits', () => {
    expect(masked('我手机一三八一二三四五六七八')).toBe('我手机[手机号]');
    expect(masked('电话幺三九零零幺幺二二三三')).toBe('电话[手机号]');
    expect(masked('打我电话一五〇 一二三四 五六七八')).toBe('打我电话[手机号]');
  });
  it('full-width digits and mixed widths', () => {
    expect(masked('手机号：１３９１２３４５６７８')).toBe('手机号：[手机号]');
    expect(masked('电话 1３8 1２3４ 5６7８')).toBe('电话 [手机号]');
  });
  it('short numeral runs are words, not numbers', () => {
    expect(found('价格是一三八元吗')).toEqual([]);
    expect(found('一二三四五六七八九十')).toEqual([]);
    expect(found('我住三〇一室')).toEqual([]);
  });
  it('partial masks and pseudonyms read the numerals as the digits they are', () => {
    expect(engine.mask('电话一三八一二三四五六七八', { mode: 'partial' }).text).toBe('电话138****5678');
    const store = createSqlitePiiVault({ path: ':memory:', key: Buffer.alloc(32, 7) });
    const vault = store.forSession('s-1');
    const a = engine.mask('电话一三八一二三四五六七八', { mode: 'pseudonym', vault }).text;
    const b = engine.mask('电话一三九零零零零一一一一', { mode: 'pseudonym', vault }).text;
    const c = engine.mask('还是13812345678', { mode: 'pseudonym', vault }).text;
    expect([a, b, c]).toEqual(['电话[PHONE_1]', '电话[PHONE_2]', '还是[PHONE_1]']);
    expect(vault.reveal('[PHONE_2]')).toBe('一三九零零零零一一一一');
    store.close();
  });
});

describe('names in shipping formats', () => {
  it('a name before a phone that was already masked', () => {
    expect(masked('张三 [手机号]')).toBe('[姓名] [手机号]');
    expect(masked('周杰 [PHONE_1] 上海市徐汇区漕溪北路88号')).toBe('[姓名] [PHONE_1] [地址]');
    expect(masked('收件：刘洋，[手机号]')).toBe('收件：[姓名]，[手机号]');
  });
  it('a name after 寄给 / 寄给：', () => {
    expect(masked('寄给李娜')).toBe('寄给[姓名]');
    expect(masked('寄给李娜就行')).toBe('寄给[姓名]就行');
    expect(masked('帮我寄给王芳，地址不变')).toBe('帮我寄给[姓名]，地址不变');
    expect(masked('寄给：马丽')).toBe('寄给：[姓名]');
  });
  it('寄给 followed by a pronoun, a relative, a company or a courier is no name', () => {
    for (const text of ['可以寄给我吗', '寄给你们的退货收到了吗', '能不能寄给他们公司', '寄给顺丰还是寄给京东', '寄给妈妈的礼物到了吗', '寄给客户的发票', '寄给同事', '寄给公司前台', '寄给高手']) {
      expect(found(text)).toEqual([]);
    }
  });
  it('labelled recipients, Chinese and English', () => {
    expect(masked('收件人:王小明')).toBe('收件人:[姓名]');
    expect(masked('联系人 陈晨')).toBe('联系人 [姓名]');
    expect(masked('Ship to: Mary Smith')).toBe('Ship to: [姓名]');
    expect(masked('SHIP TO: John Carter, 45 Elm Street')).toBe('SHIP TO: [姓名], [地址]');
  });
  it('an English surname with a capital inside is masked whole, not cut at the capital', () => {
    expect(masked('Ship to: Sarah O’Neil, tel 138 1234 5678')).toBe('Ship to: [姓名], tel [手机号]');
    expect(masked("my name is Ronald McDonald")).toBe('my name is [姓名]');
    expect(masked("Jane O'Brien +44 20 7946 0958")).toBe('[姓名] [手机号]');
  });
  it('places after ship to are no names', () => {
    for (const text of ['Ship to: Hong Kong', 'Ship to: Hong Kong office', 'ship to: New York', 'I want to ship to Hong Kong']) expect(found(text)).toEqual([]);
  });
});
