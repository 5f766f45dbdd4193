import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenBackend, SharedStateBackend } from '../support/shared-state-backends.ts';

const HOUR = 3_600_000;

/** What every `KpiQueries` adapter reports from the same conversations, outcomes and messages. */
export function runKpiQueriesContract(name: string, open: OpenBackend): void {
  describe(`KpiQueries contract: ${name}`, () => {
    let backend: SharedStateBackend;
    const from = Date.parse('2026-11-24T00:00:00Z');
    let now = from;
    beforeEach(async () => {
      now = from + HOUR;
      backend = await open();
    });
    afterEach(async () => {
      await backend.close();
    });

    async function conversation(id: string, turns: { user: string; intent: string; reply: Record<string, unknown> }[]) {
      await backend.store.createConversation({ id, userId: null, channel: 'web', now });
      let n = 0;
      for (const t of turns) {
        await backend.store.appendMessage({ id: `${id}-u${n}`, conversationId: id, role: 'user', content: t.user, createdAt: now++, meta: { intent: t.intent } });
        await backend.store.appendMessage({ id: `${id}-a${n++}`, conversationId: id, role: 'assistant', content: 'reply', createdAt: now++, meta: t.reply });
      }
    }

    it('reports outcomes, CSAT, intents, latency, cache hits and unanswered questions alike', async () => {
      const kpis = backend.kpis();
      const empty = await kpis.kpis({ from, to: from + 2 * HOUR });
      expect(empty).toMatchObject({ conversations: 0, closed: 0, resolution_rate: null, latency: null, cache_hit_rate: null, top_intents: [], messages: { user: 0, assistant: 0, agent: 0 } });
      expect(empty.series).toHaveLength(2);

      const outcomes = backend.outcomes({ now: () => now });
      await conversation('c1', [
        { user: '快递到哪了？', intent: 'logistics', reply: { latencyMs: 100, cached: false, intent: 'logistics', unanswered: true } },
        { user: '快递到哪了', intent: 'logistics', reply: { latencyMs: 300, cached: true, intent: 'logistics', unanswered: true } },
      ]);
      await outcomes.recordTurn({ sessionId: 'c1', channel: 'web', intent: 'logistics', answered: false, resolved: false, transferred: false });
      await conversation('c2', [{ user: 'Can I get an invoice?', intent: 'invoice', reply: { latency_ms: 200, intent: 'invoice' } }]);
      await outcomes.recordTurn({ sessionId: 'c2', channel: 'web', intent: 'invoice', answered: true, resolved: true, transferred: false });
      await outcomes.rate('c2', 5, null);
      await backend.store.appendMessage({ id: 'bad', conversationId: 'c2', role: 'assistant', content: 'x', createdAt: now++, meta: { latencyMs: 'slow', unanswered: false } });
      await backend.store.appendMessage({ id: 'agent', conversationId: 'c2', role: 'agent', content: 'hi', createdAt: now++, meta: {} });
      now += HOUR / 2;
      await outcomes.closeIdle(10 * 60_000);
      await conversation('c3', [{ user: 'hello', intent: 'greeting', reply: {} }]);
      await outcomes.recordTurn({ sessionId: 'c3', channel: 'web', intent: 'greeting', answered: true, resolved: false, transferred: false });

      const report = await kpis.kpis({ from, to: from + 2 * HOUR });
      expect(report).toMatchObject({
        period: { from: '2026-11-24T00:00:00.000Z', to: '2026-11-24T02:00:00.000Z', bucket: 'hour' },
        conversations: 3,
        open: 1,
        closed: 2,
        outcomes: { resolved: 1, transferred: 0, abandoned: 1 },
        resolution_rate: 0.5,
        abandon_rate: 0.5,
        csat: { count: 1, average: 5 },
        latency: { p50_ms: 200, p95_ms: 300, samples: 3 },
        cache_hit_rate: 0.5,
        messages: { user: 4, assistant: 5, agent: 1 },
        top_intents: [{ intent: 'logistics', messages: 2 }, { intent: 'greeting', messages: 1 }, { intent: 'invoice', messages: 1 }],
      });
      expect(report.series.map((p) => p.conversations)).toEqual([0, 3]);
      expect(report.series[1]).toMatchObject({ resolved: 1, abandoned: 1, csat_average: 5 });

      const questions = await kpis.unanswered({ from, to: from + 2 * HOUR }, 10);
      expect(questions).toEqual([{ question: '快递到哪了', count: 2, sessions: 1, intent: 'logistics', last_at: expect.any(String) as string, example_session: 'c1' }]);
      expect(await kpis.unanswered({ from: from + 2 * HOUR, to: from + 3 * HOUR }, 10)).toEqual([]);
    });
  });
}
