import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateNlu, loadLabelledSet } from '../../../scripts/eval-nlu.ts';
import { OUTSIDE_SET, evaluateOutside, loadOutsideSet } from '../../../scripts/outside-set.ts';
import { PROJECT_ROOT } from '../../../src/config/load-config.ts';
import { createEmbeddedNlu } from '../../../src/dialogue/embedded-nlu.ts';

// The regression guard: the held-out set (eval/nlu/README.md) must stay at 97% or better.
describe('embedded NLU on the labelled sets', () => {
  it('reaches at least 97% intent accuracy on the held-out test set', async () => {
    const rows = loadLabelledSet(path.join(PROJECT_ROOT, 'eval', 'nlu', 'test.jsonl'));
    expect(rows.length).toBeGreaterThanOrEqual(450);
    const report = await evaluateNlu(createEmbeddedNlu(), rows);
    expect(report.intentAccuracy, report.intentMisses.map((m) => `${m.gold}→${m.predicted} ${m.text}`).join('\n')).toBeGreaterThanOrEqual(0.97);
    expect(report.byLang.zh.intentAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.byLang.en.intentAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.emotionAccuracy).toBeGreaterThanOrEqual(0.8);
  });

  // The outside set lives beside the repository (../shared/eval), not in it; where it is, text
  // nobody here wrote must stay understood (2026-12: 91.7%; before the logistic model, 73.6%).
  // Totals only: a failure never prints its lines. Skipped only in a checkout without
  // ../shared/eval beside it: the set is outside data that may not be copied into this repository.
  it.skipIf(!existsSync(OUTSIDE_SET))('stays at 88% or better on the outside set', async () => {
    const report = await evaluateOutside(createEmbeddedNlu(), loadOutsideSet());
    expect(report.accuracy).toBeGreaterThanOrEqual(0.88);
    for (const [lang, t] of Object.entries(report.byLang)) expect(t.accuracy, lang).toBeGreaterThanOrEqual(0.85);
  });

  it('keeps the sets honest: enough lines, every intent covered, no line in both', () => {
    const test = loadLabelledSet(path.join(PROJECT_ROOT, 'eval', 'nlu', 'test.jsonl'));
    const dev = loadLabelledSet(path.join(PROJECT_ROOT, 'eval', 'nlu', 'dev.jsonl'));
    expect(dev.length).toBeGreaterThanOrEqual(300);
    const counts = new Map<string, number>();
    for (const r of test) counts.set(r.intent, (counts.get(r.intent) ?? 0) + 1);
    expect(counts.size).toBe(17);
    for (const [intent, n] of counts) expect(n, intent).toBeGreaterThanOrEqual(15);
    const zh = test.filter((r) => r.lang === 'zh').length / test.length;
    expect(zh).toBeGreaterThan(0.5);
    expect(zh).toBeLessThan(0.7);
    const testTexts = new Set(test.map((r) => r.text));
    expect(dev.filter((r) => testTexts.has(r.text))).toEqual([]);
  });
});
