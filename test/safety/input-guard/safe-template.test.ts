import { describe, expect, it } from 'vitest';
import { loadAttacks } from '../../../scripts/eval-guard.ts';
import { ATTACK_CATEGORIES, createInputGuard, safeTemplate } from '../../../src/safety/input-guard/input-guard.ts';

const trigrams = (text: string): string[] => {
  const words = text.normalize('NFKC').replace(/[\u200b-\u200f\u2060-\u206f\ufeff]/g, '').toLowerCase().match(/[a-z']+/g) ?? [];
  return words.slice(2).map((w, i) => `${words[i]} ${words[i + 1]} ${w}`);
};

describe('safeTemplate', () => {
  it('answers in the requested language, politely, and says what Kefu can do instead', () => {
    for (const c of ATTACK_CATEGORIES) {
      const zh = safeTemplate(c, 'zh');
      const en = safeTemplate(c, 'en');
      expect(zh, c).toMatch(/\p{Script=Han}/u);
      expect(en, c).not.toMatch(/\p{Script=Han}/u);
      expect(zh, c).toMatch(/抱歉|很抱歉/);
      expect(en, c).toMatch(/sorry/i);
      expect(zh, c).toMatch(/订单|售后|人工|优惠|退款/);
      expect(en, c).toMatch(/order|after-sales|human agent|promotion|refund/i);
    }
  });

  it('never repeats the attack: no evidence, no trigger words, nothing from the message', () => {
    const guard = createInputGuard();
    const forbidden = /忽略|无视|系统提示词|开发者模式|ignore|disregard|system prompt|developer mode|DAN|傻|idiot|刷单|1元|\$1\b/i;
    for (const c of ATTACK_CATEGORIES) for (const lang of ['zh', 'en'] as const) expect(safeTemplate(c, lang), `${c}/${lang}`).not.toMatch(forbidden);
    for (const attack of loadAttacks()) {
      const v = guard.inspect(attack.text);
      const reply = safeTemplate(v.findings[0]?.category ?? attack.category, attack.lang);
      for (const f of v.findings) if (f.evidence.length >= 4) expect(reply).not.toContain(f.evidence);
      // No three consecutive words, or six consecutive Chinese characters, of the attack appear in the reply.
      const replyTrigrams = new Set(trigrams(reply));
      for (const t of trigrams(attack.text)) expect(replyTrigrams.has(t), `${attack.text} / ${t}`).toBe(false);
      const han = attack.text.replace(/[^\p{Script=Han}]/gu, '');
      for (let i = 0; i + 6 <= han.length; i++) expect(reply.replace(/[^\p{Script=Han}]/gu, ''), attack.text).not.toContain(han.slice(i, i + 6));
    }
  });
});
