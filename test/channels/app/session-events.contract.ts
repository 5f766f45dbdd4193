import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../../src/contracts/conversation-store.ts';
import type { SessionEvents } from '../../../src/contracts/session-events.ts';
import { waitFor } from '../../queue/wait-for.ts';

/** A node's bus on a namespace shared by the nodes opened with the same one; `close` ends it. */
export type OpenBus = (namespace: string) => Promise<{ events: SessionEvents; close(): Promise<void> }>;

const message = (content: string): StoredMessage => ({
  id: randomUUID(), conversationId: 'conv-1', role: 'agent', content, createdAt: 1_700_000_000_000, meta: { agent: 'li' },
});

/**
 * What every `SessionEvents` bus does, run once per adapter (in-process, Redis): a publish is
 * heard at once, once, by every local listener until it unsubscribes. `reach: 'cluster'` adds what
 * a shared bus does on top: another node's listeners hear it once too, and other namespaces do not.
 */
export function runSessionEventsContract(name: string, open: OpenBus, reach: 'node' | 'cluster'): void {
  describe(`SessionEvents contract: ${name}`, () => {
    const closers: (() => Promise<void>)[] = [];
    const bus = async (namespace: string): Promise<SessionEvents> => {
      const { events, close } = await open(namespace);
      closers.push(close);
      return events;
    };
    afterEach(async () => {
      for (const close of closers.splice(0)) await close();
    });

    it('delivers a publish to every local listener at once, exactly once, until it unsubscribes', async () => {
      const events = await bus(randomUUID());
      const first: [string, StoredMessage][] = [];
      const second: string[] = [];
      const stop = events.subscribe((sessionId, m) => first.push([sessionId, m]));
      events.subscribe((sessionId) => second.push(sessionId));
      const reply = message('您好，订单已发货');
      events.publish('s1', reply);
      expect(first).toEqual([['s1', reply]]);
      expect(second).toEqual(['s1']);
      stop();
      events.publish('s2', message('还有别的问题吗'));
      expect(first).toHaveLength(1);
      expect(second).toEqual(['s1', 's2']);
      // Nothing arrives late (a copy echoed back from a shared bus is dropped).
      await new Promise((r) => setTimeout(r, 100));
      expect(second).toEqual(['s1', 's2']);
    });

    if (reach === 'cluster') {
      it('delivers a publish on one node to the other nodes of its namespace once, and to no other namespace', async () => {
        const namespace = randomUUID();
        const [a, b, elsewhere] = [await bus(namespace), await bus(namespace), await bus(randomUUID())];
        const onB: [string, StoredMessage][] = [];
        const onOther: string[] = [];
        b.subscribe((sessionId, m) => onB.push([sessionId, m]));
        elsewhere.subscribe((sessionId) => onOther.push(sessionId));
        const reply = message('您好，我是小王');
        a.publish('s1', reply);
        await waitFor(() => onB.length === 1, 'node B to hear the publish', 2000);
        await new Promise((r) => setTimeout(r, 100));
        expect(onB).toEqual([['s1', reply]]);
        expect(onOther).toEqual([]);
      });
    }
  });
}
