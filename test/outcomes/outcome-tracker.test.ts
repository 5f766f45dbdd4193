import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutcomeTracker, type ClosedConversation } from '../../src/outcomes/outcome-tracker.ts';
import { createSqliteConversationStore } from '../../src/store/sqlite/sqlite-conversation-store.ts';
import { useTempDir } from '../knowledge/temp-dir.ts';

const MIN = 60_000;

describe('conversation outcomes', () => {
  const tempDir = useTempDir();

  async function tracker() {
    const file = path.join(tempDir(), 'kefu.db');
    const store = createSqliteConversationStore({ path: file });
    await store.migrate();
    await store.close();
    let now = Date.parse('2026-11-24T10:00:00+08:00');
    const closed: ClosedConversation[] = [];
    const t = createOutcomeTracker({ path: file, now: () => now, onClosed: (c) => closed.push(c) });
    return { t, closed, advance: (ms: number) => (now += ms) };
  }

  it('decides resolved, transferred and abandoned when a conversation goes quiet', async () => {
    const { t, closed, advance } = await tracker();
    const turn = (sessionId: string, intent: Parameters<typeof t.recordTurn>[0]['intent'], o: { answered?: boolean; resolved?: boolean; transferred?: boolean } = {}) =>
      t.recordTurn({ sessionId, channel: 'web', intent, answered: o.answered ?? true, resolved: o.resolved ?? false, transferred: o.transferred ?? false });

    turn('a', 'greeting');
    turn('a', 'return', { answered: false }); // asked which order
    advance(1 * MIN);
    turn('a', 'return', { resolved: true }); // return created
    turn('b', 'logistics', { answered: false }); // left mid-flow
    turn('c', 'human_agent', { transferred: true });
    turn('d', 'product_question', { resolved: true });
    advance(1 * MIN);
    turn('d', 'other', { answered: false }); // last question unanswered

    advance(10 * MIN);
    expect(t.closeIdle(30 * MIN)).toEqual([]); // not quiet long enough
    advance(25 * MIN);
    const byId = Object.fromEntries(t.closeIdle(30 * MIN).map((c) => [c.sessionId, c]));
    expect(byId['a']).toMatchObject({ outcome: 'resolved', intent: 'return', durationMs: MIN });
    expect(byId['b']).toMatchObject({ outcome: 'abandoned', intent: 'logistics' });
    expect(byId['c']).toMatchObject({ outcome: 'transferred', intent: 'other' }); // asking for a human says nothing of the task
    expect(byId['d']).toMatchObject({ outcome: 'abandoned', intent: 'product_question' });
    expect(closed).toHaveLength(4);
    expect(t.closeIdle(30 * MIN)).toEqual([]); // closed once

    const stats = t.stats();
    expect(stats).toMatchObject({ conversations: 4, open: 0, byOutcome: { resolved: 1, transferred: 1, abandoned: 2 }, resolutionRate: 0.25, transferRate: 0.25 });
    expect(stats.byIntent.find((i) => i.intent === 'return')).toMatchObject({ conversations: 1, resolved: 1, transferRate: 0 });
  });

  it('reopens a closed conversation when the customer comes back, and rates once', async () => {
    const { t, advance } = await tracker();
    t.recordTurn({ sessionId: 's', channel: 'app', intent: 'invoice', answered: true, resolved: true, transferred: false });
    advance(40 * 60_000);
    expect(t.closeIdle(30 * 60_000)).toHaveLength(1);
    t.recordTurn({ sessionId: 's', channel: 'app', intent: 'invoice', answered: true, resolved: false, transferred: false });
    expect(t.stats().open).toBe(1);
    t.rate('s', 4, 'ok');
    expect(() => t.rate('s', 5, null)).toThrow(/already rated/);
    expect(() => t.rate('s', 0, null)).toThrow(/1 to 5/);
    expect(() => t.rate('nope', 3, null)).toThrow(/No conversation/);
    expect(t.stats().csat).toEqual({ count: 1, average: 4 });
  });
});
