import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKefuError } from '../../src/errors.ts';
import type { OpenBackend, SharedStateBackend } from '../support/shared-state-backends.ts';

const codeOf = (promise: Promise<unknown>): Promise<string | null> =>
  promise.then(() => null, (e: unknown) => (isKefuError(e) ? e.code : String(e)));

/** What every `HandoffQueue` adapter does; `open` gives a fresh, empty database. */
export function runHandoffQueueContract(name: string, open: OpenBackend): void {
  describe(`HandoffQueue contract: ${name}`, () => {
    let backend: SharedStateBackend;
    let now = 1_000_000;
    const advance = (ms: number) => (now += ms);
    beforeEach(async () => {
      now = 1_000_000;
      backend = await open();
    });
    afterEach(async () => {
      await backend.close();
    });

    it('keeps one open handoff per session, orders by priority then age, estimates the wait', async () => {
      const q = backend.handoffs({ now: () => now });
      const a = await q.request({ sessionId: 'a', reason: 'user_request', summary: 'x' });
      advance(1000);
      const b = await q.request({ sessionId: 'b', reason: 'anger', summary: 'y' });
      advance(1000);
      const urgent = await q.request({ sessionId: 'c', reason: 'sensitive_topic', summary: 'z', priority: 5 });
      expect(a).toMatchObject({ created: true, position: 1, waitMinutes: 5 });
      expect(a.handoff).toEqual({ id: a.handoff.id, sessionId: 'a', tenant: 'default', reason: 'user_request', status: 'queued', priority: 0, summary: 'x', agent: null, createdAt: 1_000_000, claimedAt: null, closedAt: null });
      expect(b.position).toBe(2);
      expect(urgent.position).toBe(1);
      expect((await q.position(a.handoff)).position).toBe(2);
      expect(await q.request({ sessionId: 'a', reason: 'anger', summary: 'again' })).toMatchObject({ created: false, handoff: { id: a.handoff.id, reason: 'user_request' } });
      expect((await q.list('queued')).map((h) => h.sessionId)).toEqual(['c', 'a', 'b']);

      // Measured handling time replaces the default: one conversation of 2 minutes.
      expect(await q.claim(urgent.handoff.id, 'wang')).toMatchObject({ status: 'assigned', agent: 'wang', claimedAt: now });
      advance(2 * 60_000);
      expect(await q.close(urgent.handoff.id, 'resolved')).toMatchObject({ status: 'resolved', closedAt: now });
      expect(await q.position(await q.get(b.handoff.id))).toEqual({ position: 2, waitMinutes: 4 });

      expect(await codeOf(q.claim(urgent.handoff.id, 'li'))).toBe('handoff_conflict');
      await expect(q.claim(urgent.handoff.id, 'li')).rejects.toThrow(/resolved/);
      await expect(q.close(b.handoff.id, 'resolved')).rejects.toThrow(/claim it first/);
      expect((await q.close(b.handoff.id, 'cancelled')).status).toBe('cancelled');
      expect(await q.openFor('b')).toBeNull();
      // After closing, the session may ask again.
      expect((await q.request({ sessionId: 'b', reason: 'user_request', summary: '' })).created).toBe(true);
      expect(await codeOf(q.get('missing'))).toBe('handoff_not_found');
      expect(await codeOf(q.claim('missing', 'wang'))).toBe('handoff_not_found');
    });

    it('lists per tenant and by status, and counts its own tenant\'s queue and busy agents in the wait', async () => {
      const q = backend.handoffs({ now: () => now });
      const shop = await q.request({ sessionId: 's1', tenant: 'shop', reason: 'user_request', summary: '' });
      advance(1);
      await q.request({ sessionId: 's2', reason: 'user_request', summary: '' });
      advance(1);
      const third = await q.request({ sessionId: 's3', reason: 'user_request', summary: '' });
      expect((await q.list('queued', 50, 'shop')).map((h) => h.sessionId)).toEqual(['s1']);
      expect((await q.list('queued', 2)).map((h) => h.sessionId)).toEqual(['s1', 's2']);
      // The shop's handoff, older, is in another tenant's queue: not ahead of the default tenant's.
      expect(third).toMatchObject({ position: 2, waitMinutes: 10 });
      await q.claim(shop.handoff.id, 'wang');
      await q.claim((await q.openFor('s2'))!.id, 'li');
      expect((await q.list('assigned')).map((h) => h.agent)).toEqual(['wang', 'li']);
      // One of the default tenant's agents busy (wang works for the shop): the wait is his alone.
      expect(await q.position(third.handoff)).toEqual({ position: 1, waitMinutes: 5 });
      const fourth = await q.request({ sessionId: 's4', reason: 'user_request', summary: '' });
      await q.claim(fourth.handoff.id, 'zhao');
      const fifth = await q.request({ sessionId: 's5', reason: 'user_request', summary: '' });
      // Two busy: shared between them.
      expect(fifth).toMatchObject({ position: 2, waitMinutes: 5 });
      expect(await q.position((await q.openFor('s1'))!)).toEqual({ position: 0, waitMinutes: 0 });
      expect((await q.close(shop.handoff.id, 'returned')).status).toBe('returned');
      expect(await q.list('returned', 50, 'other')).toEqual([]);
    });

    it('lets exactly one of several nodes claim a handoff, and queues a session once', async () => {
      const nodes = [backend.handoffs({ now: () => now }), backend.handoffs({ now: () => now }), backend.handoffs({ now: () => now })];
      const asked = await Promise.all(nodes.flatMap((q) => [q.request({ sessionId: 'x', reason: 'user_request', summary: '' }), q.request({ sessionId: 'x', reason: 'anger', summary: '' })]));
      expect(asked.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(asked.map((r) => r.handoff.id)).size).toBe(1);
      const id = asked[0]!.handoff.id;
      const results = await Promise.allSettled(nodes.flatMap((q, i) => [q.claim(id, `agent-${i}a`), q.claim(id, `agent-${i}b`)]));
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(isKefuError(r.reason) && r.reason.code).toBe('handoff_conflict');
      // Every node sees the winner.
      const winner = (won[0] as PromiseFulfilledResult<{ agent: string | null }>).value.agent;
      for (const q of nodes) expect(await q.openFor('x')).toMatchObject({ status: 'assigned', agent: winner });
    });
  });
}
