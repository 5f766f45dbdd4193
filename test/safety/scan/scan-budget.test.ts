import { describe, expect, it } from 'vitest';
import { createPiiEngine } from '../../../src/safety/pii/create-pii-engine.ts';

/**
 * The per-text scan budget fails safe (issue 13): once spent, the remaining recognizers are
 * skipped, what was found is masked, and the caller is told. A fake clock that advances 10 ms
 * per reading makes the budget run out part-way, deterministically.
 */
function steppingClock(stepMs: number): () => number {
  let t = 0;
  return () => (t += stepMs);
}

const TEXT = '身份证110101199003074514，电话13812345678，收货人张伟，地址北京市朝阳区建国路88号';

describe('PII scan budget', () => {
  it('masks everything within the budget', () => {
    const masked = createPiiEngine().mask(TEXT).text;
    expect(masked).toBe('身份证[身份证号]，电话[手机号]，收货人[姓名]，地址[地址]');
  });

  it('stops after the budget, keeps what was found masked, and reports what it skipped', () => {
    const reports: { chars: number; elapsedMs: number; skipped: readonly string[] }[] = [];
    const engine = createPiiEngine({ budgetMs: 25, clock: steppingClock(10), onBudgetExceeded: (info) => reports.push(info) });
    const { text, entities } = engine.mask(TEXT);
    // ID card and phone run first (numbers before names and addresses), then the budget is spent.
    expect(entities.map((e) => e.type)).toEqual(['id_card', 'phone']);
    expect(text).toBe('身份证[身份证号]，电话[手机号]，收货人张伟，地址北京市朝阳区建国路88号');
    expect(reports).toHaveLength(1);
    expect(reports[0]!.chars).toBe(TEXT.length);
    expect(reports[0]!.skipped).toEqual(expect.arrayContaining(['person_name', 'address']));
    expect(reports[0]!.skipped).not.toContain('phone');
  });
});
