import { describe, expect, it } from 'vitest';
import { compileLinearPattern } from '../../../src/safety/linear-pattern.ts';
import { parseConstitution } from '../../../src/safety/output-guard/constitution.ts';

const constitution = (pattern: string) =>
  `version: 1\nprinciples:\n  - id: merchant\n    check: patterns\n    patterns: ['${pattern}']\n    zh: 不说\n    en: Do not say\n`;

describe('merchant patterns run with a linear-time engine', () => {
  it('finds the leftmost match, ignoring case', () => {
    const [p] = parseConstitution(constitution('competitor\\.com|某竞品'), 'c.yaml')[0]!.patterns;
    expect(p!.firstMatch('买东西去 Competitor.com 或某竞品')).toBe('Competitor.com');
    expect(p!.firstMatch('我们的商城')).toBeNull();
  });

  it('runs a catastrophic pattern in linear time: (a+)+$ on 30 a’s and a "!" (seconds when backtracking)', () => {
    const p = compileLinearPattern('(a+)+$');
    const t0 = process.cpuUsage();
    expect(p.firstMatch(`${'a'.repeat(30)}!`)).toBeNull();
    expect(p.firstMatch('a'.repeat(20_000))).toBe('a'.repeat(20_000));
    const d = process.cpuUsage(t0);
    expect((d.user + d.system) / 1000).toBeLessThan(200);
  });

  it('refuses lookaround, which RE2 does not have, naming the syntax', () => {
    expect(() => parseConstitution(constitution('(?<!不)退款'), 'c.yaml')).toThrow(/RE2 syntax/);
  });
});
