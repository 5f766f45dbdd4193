import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProactiveLedger } from '../../src/proactive/postgres-proactive-ledger.ts';
import { createPool } from '../../src/store/postgres/postgres-conversation-store.ts';
import { startPostgres, type TestPostgres } from '../support/start-postgres.ts';
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

  it('opens for the first matching rule, once per visitor per day, and counts per day in the shop time zone', async () => {
    let now = T0;
    const file = path.join(tempDir(), 'proactive.db');
    const service = createProactiveService({ path: file, rules: RULES, now: () => now, timeZone: 'Asia/Shanghai' });
    const pay = { type: 'payment' as const, page: '/checkout/pay', dwellMs: 61_000 };

    expect(await service.evaluate({ visitorId: 'v1', type: 'page_view', page: '/checkout/pay' })).toEqual({ open: false });
    expect(await service.evaluate({ visitorId: 'v1', ...pay, dwellMs: 20_000 })).toEqual({ open: false });
    expect(await service.evaluate({ visitorId: 'v1', ...pay })).toMatchObject({ open: true, rule: { id: 'payment_hesitation' } });
    // Used up for today: the next rule that matches fires instead (twice a day), then nothing.
    expect(await service.evaluate({ visitorId: 'v1', ...pay })).toMatchObject({ open: true, rule: { id: 'long_look' } });
    expect(await service.evaluate({ visitorId: 'v1', ...pay })).toMatchObject({ open: true, rule: { id: 'long_look' } });
    expect(await service.evaluate({ visitorId: 'v1', ...pay })).toEqual({ open: false });
    // Another visitor has their own allowance.
    expect(await service.evaluate({ visitorId: 'v2', ...pay, sessionId: 's2' })).toMatchObject({ open: true, rule: { id: 'payment_hesitation' } });

    // 23:59 in Shanghai is still the same day; 00:00 is the next.
    now = Date.parse('2026-11-24T23:59:00+08:00');
    expect(await service.evaluate({ visitorId: 'v1', ...pay })).toEqual({ open: false });
    now = Date.parse('2026-11-25T00:00:00+08:00');
    expect(await service.evaluate({ visitorId: 'v1', ...pay })).toMatchObject({ open: true, rule: { id: 'payment_hesitation' } });

    const stats = await service.stats(3);
    expect(stats.time_zone).toBe('Asia/Shanghai');
    expect(stats.days).toEqual(['2026-11-23', '2026-11-24', '2026-11-25']);
    expect(stats.rules.map((r) => [r.id, r.triggers.today, r.triggers.total, r.triggers.by_day.map((d) => d.count)])).toEqual([
      ['payment_hesitation', 1, 3, [0, 2, 1]],
      ['long_look', 0, 2, [0, 2, 0]],
    ]);
    expect(stats.rules[0]).toMatchObject({ when: { type: ['payment'], min_dwell_ms: 60_000, page: '/checkout*' }, message: { zh: '支付遇到问题了吗?' }, max_per_visitor_per_day: 1, enabled: true });
    expect(stats.events.find((e) => e.day === '2026-11-24')).toEqual({ day: '2026-11-24', page_view: 1, dwell: 0, cart: 0, checkout: 0, payment: 7 });
    await service.close();
  });

  it('keeps the daily limit across a restart and between two processes on the same file', async () => {
    let now = T0;
    const file = path.join(tempDir(), 'proactive.db');
    const a = createProactiveService({ path: file, rules: RULES, now: () => now, timeZone: 'Asia/Shanghai' });
    const b = createProactiveService({ path: file, rules: RULES, now: () => now, timeZone: 'Asia/Shanghai' });
    const pay = { visitorId: 'v1', type: 'payment' as const, page: '/checkout', dwellMs: 60_000 };
    expect(await a.evaluate(pay)).toMatchObject({ open: true, rule: { id: 'payment_hesitation' } });
    // The other process sees the trigger at once.
    expect(await b.evaluate(pay)).toMatchObject({ open: true, rule: { id: 'long_look' } });
    await a.close();
    await b.close();

    now += HOUR;
    const restarted = createProactiveService({ path: file, rules: RULES, now: () => now, timeZone: 'Asia/Shanghai' });
    expect(await restarted.evaluate(pay)).toMatchObject({ open: true, rule: { id: 'long_look' } });
    expect(await restarted.evaluate(pay)).toEqual({ open: false });
    expect((await restarted.stats(1)).rules.map((r) => r.triggers.today)).toEqual([1, 2]);
    await restarted.close();
  });

  it('defaults to UTC days and refuses an unknown time zone', async () => {
    const file = path.join(tempDir(), 'proactive.db');
    // 2026-11-24 02:00 UTC is the 24th in UTC too; 23:30 UTC would be the 25th in Shanghai.
    const service = createProactiveService({ path: file, rules: RULES, now: () => Date.parse('2026-11-24T23:30:00Z') });
    expect((await service.stats(1)).days).toEqual(['2026-11-24']);
    await service.close();
    expect(() => createProactiveService({ path: file, rules: RULES, timeZone: 'Mars/Olympus' })).toThrow(/Not an IANA time zone: Mars\/Olympus/);
  });
});

describe('proactive service on PostgreSQL (several nodes)', () => {
  let pg: TestPostgres;
  let pool: ReturnType<typeof createPool>;
  beforeAll(async () => {
    // PostgreSQL is a Debian package .ci/run installs: one that cannot start fails here, with the reason.
    pg = await startPostgres();
    pool = createPool(pg.url, 6);
  }, 60_000);
  afterAll(async () => {
    await pool.end();
    await pg.stop();
  });

  it('keeps one daily limit per visitor for every node, also when their events arrive at once', async () => {
    const schema = `proactive_${process.pid}`;
    const now = T0;
    const node = async () => createProactiveService({ rules: RULES, now: () => now, timeZone: 'Asia/Shanghai', ledger: await createPostgresProactiveLedger({ pool, schema }) });
    const [a, b, c] = [await node(), await node(), await node()];
    const pay = { visitorId: 'v1', type: 'payment' as const, page: '/checkout', dwellMs: 60_000 };
    // Three rule uses a day (one payment_hesitation, two long_look), however the events are spread.
    const decisions = await Promise.all([a, b, c, a, b, c].map((n) => n.evaluate(pay)));
    expect(decisions.filter((d) => d.open).map((d) => (d.open ? d.rule.id : '')).sort()).toEqual(['long_look', 'long_look', 'payment_hesitation']);
    expect(await c.evaluate(pay)).toEqual({ open: false });
    const stats = await b.stats(1);
    expect(stats.rules.map((r) => r.triggers.today)).toEqual([1, 2]);
    expect(stats.events[0]).toMatchObject({ payment: 7 });
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});
