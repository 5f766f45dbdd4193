import { describe, expect, it } from 'vitest';
import { stemEnglish } from '../../src/knowledge/english-stem.ts';
import { analyze, tokenize } from '../../src/knowledge/segmenter.ts';

describe('tokenize', () => {
  it('segments mixed Chinese and English text, lowercases and drops punctuation', () => {
    const terms = tokenize('我的iPhone 15 Pro什么时候发货？顺丰还是京东物流！');
    expect(terms).toEqual(expect.arrayContaining(['iphon', '15', 'pro', '发货', '顺丰', '京东', '物流']));
    expect(terms.some((t) => /[？！?!\s]/.test(t))).toBe(false);
    expect(terms.every((t) => t === t.toLowerCase())).toBe(true);
  });

  it('removes stopwords in both languages', () => {
    expect(tokenize('How long does shipping take?')).toEqual(['long', 'ship', 'take']);
    const zh = tokenize('你们的退货政策是什么?');
    expect(zh).toContain('退货');
    expect(zh).toContain('政策');
    for (const stop of ['你们', '的', '是', '什么']) expect(zh).not.toContain(stop);
  });

  it('emits character bigrams for Han runs, so segmentation differences still match', () => {
    const terms = tokenize('无理由退货');
    expect(terms).toEqual(expect.arrayContaining(['无理', '理由', '由退', '退货']));
    const { auxiliary } = analyze('能开专票');
    expect(auxiliary.has('开专')).toBe(true);
    expect(auxiliary.has('专票')).toBe(false);
  });

  it('maps Chinese numerals before units to digits and emits number+unit terms', () => {
    const a = tokenize('七天无理由退货');
    const b = tokenize('7天无理由退货');
    expect(a).toEqual(b);
    expect(a).toContain('7天');
    expect(tokenize('保修一年')).toContain('1年');
    expect(tokenize('十五天内')).toContain('15天');
  });

  it('normalises full-width characters', () => {
    expect(tokenize('ＶＡＴ　ｉｎｖｏｉｃｅ')).toEqual(tokenize('VAT invoice'));
  });
});

describe('stemEnglish', () => {
  it('conflates plural, -ing and -ed forms', () => {
    const groups = [
      ['ship', 'ships', 'shipping', 'shipped'],
      ['charge', 'charges', 'charged', 'charging'],
      ['install', 'installed', 'installing', 'installs'],
      ['refund', 'refunds', 'refunded', 'refunding'],
      ['delivery', 'deliveries'],
      ['cancel', 'cancelled', 'cancels'],
    ];
    for (const g of groups) expect(new Set(g.map(stemEnglish)), g.join('/')).toHaveProperty('size', 1);
    expect(stemEnglish('address')).toBe(stemEnglish('addresses'));
    expect(stemEnglish('ship')).not.toBe(stemEnglish('shop'));
  });
});
