import { describe, expect, it } from 'vitest';
import { hanScript, toSimplified, toTraditional } from '../../src/dialogue/chinese-script.ts';
import { localeEvidence, nextLocale, type Locale } from '../../src/dialogue/conversation-locale.ts';

/** Folds a conversation's customer turns the way the pipeline does with its session state. */
const over = (turns: string[]): Locale[] => {
  const seen: Locale[] = [];
  let locale: Locale | undefined;
  for (const t of turns) {
    locale = nextLocale(t, locale);
    seen.push(locale);
  }
  return seen;
};

describe('conversation locale', () => {
  it('tells Simplified from Traditional by the characters only one script has', () => {
    expect(hanScript('退貨政策是什麼')).toBe('Hant');
    expect(hanScript('退货政策是什么')).toBe('Hans');
    expect(hanScript('退款')).toBeNull();
    expect(toSimplified('運費誰出?')).toBe('运费谁出?');
    expect(toTraditional('退货运费谁出?订单 KF20261124003 [PHONE_1]')).toBe('退貨運費誰出?訂單 KF20261124003 [PHONE_1]');
  });

  it('keeps the language over turns that carry none: an id, ok, an emoji, a number, a placeholder', () => {
    expect(over(['我的订单到哪了', 'KF20261121001', 'ok', '👍', '2', '[PHONE_1]', 'thank you'])).toEqual(Array(7).fill('zh-Hans'));
    expect(over(['where is my order?', 'KF20261121001', '好', '2'])).toEqual(['en', 'en', 'zh-Hans', 'zh-Hans']);
  });

  it('a Chinese customer pasting an English product name stays Chinese', () => {
    expect(over(['你好', 'P3 composite filter', 'Sony WH-1000XM5 Wireless Headphones', 'AirPods Pro 有货吗'])).toEqual(Array(4).fill('zh-Hans'));
  });

  it('an English sentence around a Chinese product name is English', () => {
    expect(localeEvidence('do you have the 保温杯 in blue?')).toBe('en');
  });

  it('follows a customer who switches language with a sentence of their own', () => {
    expect(over(['你好', 'can you tell me how long shipping takes?', '好的谢谢'])).toEqual(['zh-Hans', 'en', 'zh-Hans']);
  });

  it('a Traditional conversation stays Traditional over script-neutral turns', () => {
    expect(over(['退貨政策是什麼', '好的', '可以', 'KF20261121001', 'ok'])).toEqual(Array(5).fill('zh-Hant'));
  });

  it('a first message with nothing to go on reads Latin letters as English, else Chinese', () => {
    expect(nextLocale('hi')).toBe('en');
    expect(nextLocale('12345')).toBe('zh-Hans');
  });

  it("the page's language decides only what a first message leaves open", () => {
    expect(nextLocale('你好', undefined, 'zh-Hant')).toBe('zh-Hant');
    expect(nextLocale('👍', undefined, 'en')).toBe('en');
    expect(nextLocale('hi', undefined, 'zh-Hans')).toBe('en');
    expect(nextLocale('退货政策是什么', undefined, 'zh-Hant')).toBe('zh-Hans');
    expect(nextLocale('你好', 'zh-Hans', 'zh-Hant')).toBe('zh-Hans');
  });

  it('reads long text in linear time', () => {
    const long = 'a '.repeat(50_000) + '好'.repeat(50_000);
    const start = performance.now();
    nextLocale(long);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe('quick replies shown in Traditional', () => {
  it('read back as the same label when tapped, so a pick or a yes works in either script', async () => {
    const { intentLabel, pickedOption } = await import('../../src/dialogue/clarify.ts');
    const { INTENTS } = await import('../../src/dialogue/intent-classifier.ts');
    const { parseConfirmation } = await import('../../src/dialogue/confirmation.ts');
    const labels = INTENTS.map((i) => intentLabel(i, 'zh')).filter((l): l is string => l !== null);
    expect(labels.length).toBeGreaterThan(10);
    for (const label of labels) expect(toSimplified(toTraditional(label))).toBe(label);
    expect(pickedOption(toSimplified(toTraditional('退货')), { text: '东西有问题', entities: [], options: ['product_question', 'return'] })).toBe('return');
    expect(parseConfirmation(toSimplified(toTraditional('好的,登记工单')))).toBe('yes');
    expect(parseConfirmation(toSimplified(toTraditional('不用了')))).toBe('no');
  });
});
