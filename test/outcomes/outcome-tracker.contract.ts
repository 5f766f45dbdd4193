import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClosedConversation, TurnRecord } from '../../src/contracts/outcome-tracker.ts';
import { isKefuError } from '../../src/errors.ts';
import type { OpenBackend, SharedStateBackend } from '../support/shared-state-backends.ts';

const MIN = 60_000;
const codeOf = (promise: Promise<unknown>): Promise<string | null> =>
  promise.then(() => null, (e: unknown) => (isKefuError(e) ? e.code : String(e)));

/** What every `OutcomeTracker` adapter does; `open` gives a fresh, empty database. */
export function runOutcomeTrackerContract(name: string, open: OpenBackend): void {
  describe(`OutcomeTracker contract: ${name}`, () => {
    let backend: SharedStateBackend;
    let now = 0;
    const advance = (ms: number) => (now += ms);
    beforeEach(async () => {
      now = Date.parse('2026-11-24T10:00:00+08:00');
      backend = await open();
    });
    afterEach(async () => {
      await backend.close();
    });

    it('decides resolved, transferred and abandoned when a conversation goes quiet', async () => {
      const closed: ClosedConversation[] = [];
      const t = backend.outcomes({ now: () => now, onClosed: (c) => closed.push(c) });
      const turn = (sessionId: string, intent: TurnRecord['intent'], o: { answered?: boolean; resolved?: boolean; transferred?: boolean } = {}) =>
        t.recordTurn({ sessionId, channel: 'web', intent, answered: o.answered ?? true, resolved: o.resolved ?? false, transferred: o.transferred ?? false });

      await turn('a', 'greeting');
      await turn('a', 'return', { answered: false }); // asked which order
      advance(1 * MIN);
      await turn('a', 'return', { resolved: true }); // return created
      await turn('b', 'logistics', { answered: false }); // left mid-flow
      await turn('c', 'human_agent', { transferred: true });
      await turn('d', 'product_question', { resolved: true });
      await turn('e', 'invoice');
      await t.markTransferred('e'); // a handoff queued outside a turn
      advance(1 * MIN);
      await turn('d', 'other', { answered: false }); // last question unanswered

      advance(10 * MIN);
      expect(await t.closeIdle(30 * MIN)).toEqual([]); // not quiet long enough
      advance(25 * MIN);
      const byId = Object.fromEntries((await t.closeIdle(30 * MIN)).map((c) => [c.sessionId, c]));
      expect(byId['a']).toEqual({ sessionId: 'a', outcome: 'resolved', intent: 'return', durationMs: MIN, channel: 'web' });
      expect(byId['b']).toMatchObject({ outcome: 'abandoned', intent: 'logistics' });
      expect(byId['c']).toMatchObject({ outcome: 'transferred', intent: 'other' }); // asking for a human says nothing of the task
      expect(byId['d']).toMatchObject({ outcome: 'abandoned', intent: 'product_question' });
      expect(byId['e']).toMatchObject({ outcome: 'transferred', intent: 'invoice' });
      expect(closed).toHaveLength(5);
      expect(await t.closeIdle(30 * MIN)).toEqual([]); // closed once

      const stats = await t.stats();
      expect(stats).toMatchObject({ conversations: 5, open: 0, byOutcome: { resolved: 1, transferred: 2, abandoned: 2 }, resolutionRate: 0.2, transferRate: 0.4, avgDurationSeconds: 24 });
      expect(stats.byIntent.find((i) => i.intent === 'return')).toEqual({ intent: 'return', conversations: 1, resolved: 1, transferred: 0, abandoned: 0, transferRate: 0 });
      expect(stats.byIntent.map((i) => i.intent)).toEqual(['invoice', 'logistics', 'other', 'product_question', 'return']);
    });

    it('reopens a closed conversation when the customer comes back, and rates once', async () => {
      const ratings: number[] = [];
      const t = backend.outcomes({ now: () => now, onRating: (s) => ratings.push(s) });
      expect(await t.stats()).toEqual({ conversations: 0, open: 0, byOutcome: { resolved: 0, transferred: 0, abandoned: 0 }, resolutionRate: null, transferRate: null, avgDurationSeconds: null, csat: { count: 0, average: null }, byIntent: [] });
      await t.recordTurn({ sessionId: 's', channel: 'app', intent: 'invoice', answered: true, resolved: true, transferred: false });
      advance(40 * MIN);
      expect(await t.closeIdle(30 * MIN)).toHaveLength(1);
      await t.recordTurn({ sessionId: 's', channel: 'app', intent: 'invoice', answered: true, resolved: false, transferred: false });
      expect((await t.stats()).open).toBe(1);
      await t.rate('s', 4, 'ok');
      expect(await codeOf(t.rate('s', 5, null))).toBe('already_rated');
      expect(await codeOf(t.rate('s', 0, null))).toBe('invalid_rating');
      expect(await codeOf(t.rate('s', 2.5, null))).toBe('invalid_rating');
      expect(await codeOf(t.rate('nope', 3, null))).toBe('session_not_found');
      expect((await t.stats()).csat).toEqual({ count: 1, average: 4 });
      expect(ratings).toEqual([4]);
    });

    it('erases rating comments of one session, or of every conversation quiet past a cutoff, keeping the scores', async () => {
      const t = backend.outcomes({ now: () => now });
      for (const sessionId of ['old', 'erased', 'recent']) {
        await t.recordTurn({ sessionId, channel: 'web', intent: 'refund', answered: true, resolved: true, transferred: false });
        await t.rate(sessionId, 2, `${sessionId}: 快递员态度差, 电话 [PHONE_1]`);
        advance(10 * MIN);
      }
      expect(await t.eraseComments({ sessionId: 'erased' })).toBe(1);
      expect(await t.eraseComments({ sessionId: 'erased' })).toBe(0);
      // 'old' last spoke 30 minutes ago, 'recent' 10: a cutoff 20 minutes back takes 'old' only.
      expect(await t.eraseComments({ idleBefore: now - 20 * MIN })).toBe(1);
      expect(await t.eraseComments({ idleBefore: now - 20 * MIN })).toBe(0);
      expect(await t.eraseComments({ sessionId: 'recent' })).toBe(1);
      expect((await t.stats()).csat).toEqual({ count: 3, average: 2 });
    });

    it('closes each idle conversation once when every node sweeps at the same time', async () => {
      const closed: ClosedConversation[] = [];
      const nodes = [0, 1, 2].map(() => backend.outcomes({ now: () => now, onClosed: (c) => closed.push(c) }));
      for (let i = 0; i < 30; i++) await nodes[i % 3]!.recordTurn({ sessionId: `s${i}`, channel: 'web', intent: 'logistics', answered: true, resolved: true, transferred: false });
      advance(31 * MIN);
      const results = await Promise.all(nodes.flatMap((t) => [t.closeIdle(30 * MIN), t.closeIdle(30 * MIN)]));
      expect(results.flat()).toHaveLength(30);
      expect(new Set(closed.map((c) => c.sessionId)).size).toBe(30);
      // Concurrent ratings of one conversation: one is kept.
      const rated = await Promise.allSettled(nodes.map((t, i) => t.rate('s0', i + 3, null)));
      expect(rated.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await nodes[0]!.stats()).csat.count).toBe(1);
    });
  });
}
