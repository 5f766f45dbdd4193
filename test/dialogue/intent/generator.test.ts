import { describe, expect, it } from 'vitest';
import { INTENTS } from '../../../src/dialogue/intent-classifier.ts';
import { dress, fill, generateCorpus, seeded, traditional, typo } from '../../../src/dialogue/intent-training/generator.ts';
import { normalize } from '../../../src/dialogue/intent-training/normalize.ts';
import { PHRASEBOOK } from '../../../src/dialogue/intent-training/phrasebook.ts';
import { VOCAB } from '../../../src/dialogue/intent-training/phrasebook-vocab.ts';

describe('training-text generator', () => {
  it('is deterministic for a seed and covers every intent in both languages', () => {
    const a = generateCorpus(20, new Map(), 3);
    expect(generateCorpus(20, new Map(), 3)).toEqual(a);
    expect(generateCorpus(20, new Map(), 4)).not.toEqual(a);
    expect(new Set(a.map((e) => e.intent))).toEqual(new Set(INTENTS));
    for (const intent of INTENTS) {
      const texts = a.filter((e) => e.intent === intent).map((e) => e.text);
      expect(texts.some((t) => /\p{Script=Han}/u.test(t)), intent).toBe(true);
      expect(texts.some((t) => !/\p{Script=Han}/u.test(t)), intent).toBe(true);
    }
  });

  it('fills every template slot from a defined vocabulary', () => {
    const rnd = seeded(1);
    for (const book of Object.values(PHRASEBOOK)) {
      for (const template of [...book.zh, ...book.en]) {
        for (const m of template.matchAll(/<([A-Z0-9]+)>/g)) expect(VOCAB[m[1] ?? ''], `${m[1]} in ${template}`).toBeDefined();
        const text = fill(template, rnd);
        expect(text).not.toMatch(/[{}<>|]/);
        expect(text.length).toBeGreaterThan(0);
      }
    }
  });

  it('perturbs: one typo at a time, Traditional characters, registers around the core', () => {
    const rnd = seeded(9);
    const typos = Array.from({ length: 20 }, () => typo('where is my package', rnd));
    expect(typos.some((t) => t !== 'where is my package')).toBe(true);
    for (const t of typos) expect(Math.abs(t.length - 'where is my package'.length)).toBeLessThanOrEqual(1);
    expect(traditional('退货政策是什么', new Map([['货', '貨'], ['么', '麼']]))).toBe('退貨政策是什麼');
    const dressed = Array.from({ length: 30 }, () => dress('快递到哪了', 'zh', rnd));
    expect(dressed.every((d) => normalize(d).includes('快递到哪了') || d.includes('快递到哪了'))).toBe(true);
    expect(new Set(dressed).size).toBeGreaterThan(5);
  });
});
