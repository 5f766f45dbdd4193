import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProactiveRules } from '../../src/proactive/proactive-rules.ts';
import { createProactiveService } from '../../src/proactive/proactive-service.ts';
import { useTempDir } from '../knowledge/temp-dir.ts';

const RULES = parseProactiveRules(`
version: 1
rules:
  - id: payment_hesitation
    when: { type: payment, min_dwell_ms: 60000, page: /checkout* }
    message: { zh: 支付遇到问题了吗?, en: Trouble paying? }
  - id: long_look
    when: { type: [payment, dwell], min_dwell_ms: 30000 }
    message: { zh: 需要帮忙吗?, en: Need help? }
    max_per_visitor_per_day: 2
`, 'test');

/** 2026-11-24 10:00 in Shanghai (02:00 UTC). */
const T0 = Date.parse('2026-11-24T10:00:00+08:00');
const HOUR = 3_600_000;

describe('proactive service', () => {
  const tempDir = useTempDir();

  it('opens for the first matching rule, once per visitor per day, and counts per day in the shop time zone', () => {
    let now = T0;
    const file = path.join(tempDir(), 'proactive.db');
    const service = createProactiveService({ path: file, rules: RULES, now: () => now, timeZone: 'Asia/Shanghai' });
    const pay = { type: 'payment' as const, page: '/checkout/pay', dwellMs: 61_000 };

    expect(service.evaluate({ visitorId: 'v1', type: 'page_view', page: '/checkout/pay' })).toEqual({ open: false });
    expect(service.evaluate({ visitorId: 'v1', ...pay, dwellMs: 20_000 })).toEqual({ open: false });
    expect(service.evaluate({ visitorId: 'v1', ...pay })).toMatchObject({ open: true, rule: { id: 'payment_hesitation' } });
    // Used up for today: the next rule that matches fires instead (twice a day), then nothing.
    expect(service.evaluate({ visitorId: 'v1', ...pay })).toMatchObject({ open: true, rule: { id: 'long_look' } });
    expect(service.evaluate({ visitorId: 'v1', ...pay })).toMatchObject({ open: true, rule: { id: 'long_look' } });
    expect(service.evaluate({ visitorId: 'v1', ...pay })).toEqual({ open: false });
    // Another visitor has their own allowance.
    expect(service.evaluate({ visitorId: 'v2', ...pay, sessionId: 's2' })).toMatchObject({ open: true, rule: { id: 'payment_hesitation' } });

    // 23:59 in Shanghai is still the same day; 00:00 is the next.
    now = Date.parse('2026-11-24T23:59:00+08:00');
    expect(service.evaluate({ visitorId: 'v1', ...pay })).toEqual({ open: false });
    now = Date.parse('2026-11-25T00:00:00+08:00');
    expect(service.evaluate({ visitorId: 'v1', ...pay })).toMatchObject({ open: true, rule: { id: 'payment_hesitation' } });

    const stats = service.stats(3);
    expect(stats.time_zone).toBe('Asia/Shanghai');
    expect(stats.days).toEqual(['2026-11-23', '2026-11-24', '2026-11-25']);
    expect(stats.rules.map((r) => [r.id, r.triggers.today, r.triggers.total, r.triggers.by_day.map((d) => d.count)])).toEqual([
      ['payment_hesitation', 1, 3, [0, 2, 1]],
      ['long_look', 0, 2, [0, 2, 0]],
    ]);
    expect(stats.rules[0]).toMatchObject({ when: { type: ['payment'], min_dwell_ms: 60_000, page: '/checkout*' }, message: { zh: '支付遇到问题了吗?' }, max_per_visitor_per_day: 1, enabled: true });
    expect(stats.events.find((e) => e.day === '2026-11-24')).toEqual({ day: '2026-11-24', page_view: 1, dwell: 0, cart: 0, checkout: 0, payment: 7 });
    service.close();
  });

  it('keeps the daily limit across a restart and between two processes on the same file', () => {
    let now = T0;
    const file = path.join(tempDir(), 'proactive.db');
    const a = createProactiveService({ path: file, rules: RULES, now: () => now, timeZone: 'Asia/Shanghai' });
    const b = createProactiveService({ path: file, rules: RULES, now: () => now, timeZone: 'Asia/Shanghai' });
    const pay = { visitorId: 'v1', type: 'payment' as const, page: '/checkout', dwellMs: 60_000 };
    expect(a.evaluate(pay)).toMatchObject({ open: true, rule: { id: 'payment_hesitation' } });
    // The other process sees the trigger at once.
    expect(b.evaluate(pay)).toMatchObject({ open: true, rule: { id: 'long_look' } });
    a.close();
    b.close();

    now += HOUR;
    const restarted = createProactiveService({ path: file, rules: RULES, now: () => now, timeZone: 'Asia/Shanghai' });
    expect(restarted.evaluate(pay)).toMatchObject({ open: true, rule: { id: 'long_look' } });
    expect(restarted.evaluate(pay)).toEqual({ open: false });
    expect(restarted.stats(1).rules.map((r) => r.triggers.today)).toEqual([1, 2]);
    restarted.close();
  });

  it('defaults to UTC days and refuses an unknown time zone', () => {
    const file = path.join(tempDir(), 'proactive.db');
    // 2026-11-24 02:00 UTC is the 24th in UTC too; 23:30 UTC would be the 25th in Shanghai.
    const service = createProactiveService({ path: file, rules: RULES, now: () => Date.parse('2026-11-24T23:30:00Z') });
    expect(service.stats(1).days).toEqual(['2026-11-24']);
    service.close();
    expect(() => createProactiveService({ path: file, rules: RULES, timeZone: 'Mars/Olympus' })).toThrow(/Not an IANA time zone: Mars\/Olympus/);
  });
});
