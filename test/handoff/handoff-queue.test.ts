import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBusinessHours } from '../../src/handoff/business-hours.ts';
import { createHandoffQueue } from '../../src/handoff/handoff-queue.ts';
import { createSqliteConversationStore } from '../../src/store/sqlite/sqlite-conversation-store.ts';
import { useTempDir } from '../knowledge/temp-dir.ts';

describe('handoff queue', () => {
  const tempDir = useTempDir();

  async function queue() {
    const file = path.join(tempDir(), 'kefu.db');
    const store = createSqliteConversationStore({ path: file });
    await store.migrate();
    await store.close();
    let now = 1_000_000;
    return { q: createHandoffQueue({ path: file, now: () => now }), advance: (ms: number) => (now += ms) };
  }

  it('keeps one open handoff per session, orders by priority then age, estimates the wait', async () => {
    const { q, advance } = await queue();
    const a = q.request({ sessionId: 'a', reason: 'user_request', summary: 'x' });
    advance(1000);
    const b = q.request({ sessionId: 'b', reason: 'anger', summary: 'y' });
    advance(1000);
    const urgent = q.request({ sessionId: 'c', reason: 'sensitive_topic', summary: 'z', priority: 5 });
    expect(a).toMatchObject({ created: true, position: 1, waitMinutes: 5 });
    expect(b.position).toBe(2);
    expect(urgent.position).toBe(1);
    expect(q.position(a.handoff).position).toBe(2);
    expect(q.request({ sessionId: 'a', reason: 'anger', summary: 'again' })).toMatchObject({ created: false, handoff: { id: a.handoff.id, reason: 'user_request' } });
    expect(q.list('queued').map((h) => h.sessionId)).toEqual(['c', 'a', 'b']);

    // Measured handling time replaces the default: one conversation of 2 minutes.
    q.claim(urgent.handoff.id, 'wang');
    advance(2 * 60_000);
    q.close(urgent.handoff.id, 'resolved');
    expect(q.position(q.get(b.handoff.id))).toEqual({ position: 2, waitMinutes: 4 });

    expect(() => q.claim(urgent.handoff.id, 'li')).toThrow(/resolved/);
    expect(() => q.close(b.handoff.id, 'resolved')).toThrow(/claim it first/);
    expect(q.close(b.handoff.id, 'cancelled').status).toBe('cancelled');
    expect(q.openFor('b')).toBeNull();
    // After closing, the session may ask again.
    expect(q.request({ sessionId: 'b', reason: 'user_request', summary: '' }).created).toBe(true);
    expect(() => q.get('missing')).toThrow(/No handoff/);
    q.shutdown();
  });
});

describe('business hours', () => {
  const at = (iso: string) => new Date(iso);
  it('reads daily and per-day hours in the shop zone', () => {
    const daily = parseBusinessHours('09:00-22:00', 'Asia/Shanghai');
    expect(daily.isOpen(at('2026-11-24T01:00:00Z'))).toBe(true); // 09:00 Shanghai
    expect(daily.isOpen(at('2026-11-24T00:59:00Z'))).toBe(false); // 08:59
    expect(daily.isOpen(at('2026-11-24T14:00:00Z'))).toBe(false); // 22:00 is closed
    const week = parseBusinessHours('mon-fri 09:00-18:00; sat 10:00-16:00', 'Asia/Shanghai');
    expect(week.isOpen(at('2026-11-28T03:00:00Z'))).toBe(true); // Saturday 11:00
    expect(week.isOpen(at('2026-11-29T03:00:00Z'))).toBe(false); // Sunday
    expect(parseBusinessHours('fri-mon 10:00-12:00', 'UTC').isOpen(at('2026-11-30T11:00:00Z'))).toBe(true); // wraps to Monday
    expect(parseBusinessHours('always', 'UTC').isOpen(at('2026-11-29T03:00:00Z'))).toBe(true);
  });
  it('explains what it cannot read', () => {
    expect(() => parseBusinessHours('9-5', 'UTC')).toThrow(/cannot read "9-5"/);
    expect(() => parseBusinessHours('xyz 09:00-10:00', 'UTC')).toThrow(/unknown day/);
    expect(() => parseBusinessHours('18:00-09:00', 'UTC')).toThrow(/open before it closes/);
  });
});
