import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../../src/contracts/conversation-store.ts';
import { createRedisSessionEvents, type RedisSessionEvents } from '../../../src/channels/app/redis-session-events.ts';
import { startRedisReadyCheckProxy, unhandledWhenClosedDuringReconnect } from '../../support/redis-ready-check-proxy.ts';
import { startRedis, type TestRedis } from '../../support/start-redis.ts';
import { waitFor } from '../../queue/wait-for.ts';

const message = (content: string): StoredMessage => ({
  id: randomUUID(),
  conversationId: 'conv-1',
  role: 'agent',
  content,
  createdAt: 1_700_000_000_000,
  meta: { agent: 'li' },
});

describe('Redis session events', () => {
  let redis: TestRedis;
  const opened: RedisSessionEvents[] = [];
  const node = async (prefix: string) => {
    const events = createRedisSessionEvents({ url: redis.url, prefix });
    opened.push(events);
    await events.ready();
    return events;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const e of opened.splice(0)) await e.close();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('delivers a message published on node A to a listener on node B', async () => {
    const prefix = `test-${randomUUID()}`;
    const a = await node(prefix);
    const b = await node(prefix);
    const heardOnB: [string, StoredMessage][] = [];
    b.subscribe((sessionId, m) => heardOnB.push([sessionId, m]));
    const reply = message('您好，订单已发货');
    a.publish('session-1', reply);
    await waitFor(() => heardOnB.length === 1, 'node B to hear the reply');
    expect(heardOnB).toEqual([['session-1', reply]]);
  });

  // A node shut down just after a Redis blip: its subscriber is connected again but still waiting
  // for the ready check's reply, which then arrives on a connection being closed.
  it('closed while its subscriber reconnects, it leaves no unhandled rejection', async () => {
    const unhandled = await unhandledWhenClosedDuringReconnect(redis.url, async (url) => {
      const events = createRedisSessionEvents({ url, prefix: `test-${randomUUID()}` });
      await events.ready();
      return events;
    });
    expect(unhandled).toEqual([]);
  });

  it('hears other nodes again after its subscriber reconnects', async () => {
    const prefix = `test-${randomUUID()}`;
    const proxy = await startRedisReadyCheckProxy(redis.url);
    const a = createRedisSessionEvents({ url: proxy.url, prefix });
    opened.push(a);
    await a.ready();
    const b = await node(prefix);
    const heard: string[] = [];
    a.subscribe((_, m) => heard.push(m.content));
    try {
      await proxy.cutSubscribersAndHoldReadyCheck();
      proxy.resume();
      // Published until one arrives: the subscription is renewed a moment after the reconnect.
      for (const deadline = Date.now() + 5000; heard.length === 0 && Date.now() < deadline; ) {
        b.publish('s', message('again'));
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(heard[0]).toBe('again');
    } finally {
      await proxy.close();
    }
  });

  it('delivers locally at once and exactly once on every node', async () => {
    const prefix = `test-${randomUUID()}`;
    const a = await node(prefix);
    const b = await node(prefix);
    const heard: string[] = [];
    a.subscribe((_, m) => heard.push(`a:${m.content}`));
    b.subscribe((_, m) => heard.push(`b:${m.content}`));
    a.publish('s', message('one'));
    expect(heard).toEqual(['a:one']); // the local listener needs no round trip
    b.publish('s', message('two'));
    await waitFor(() => heard.length === 4, 'both nodes to hear both messages');
    await new Promise((r) => setTimeout(r, 50)); // and nothing arrives twice
    expect(heard.sort()).toEqual(['a:one', 'a:two', 'b:one', 'b:two']);
  });

  it('stops calling a listener once it unsubscribes, and keeps installs with other prefixes apart', async () => {
    const prefix = `test-${randomUUID()}`;
    const a = await node(prefix);
    const b = await node(prefix);
    const other = await node(`test-${randomUUID()}`);
    const heardOnB: string[] = [];
    const heardElsewhere: string[] = [];
    const unsubscribe = b.subscribe((_, m) => heardOnB.push(m.content));
    other.subscribe((_, m) => heardElsewhere.push(m.content));
    a.publish('s', message('first'));
    await waitFor(() => heardOnB.length === 1, 'the first message');
    unsubscribe();
    a.publish('s', message('second'));
    await new Promise((r) => setTimeout(r, 50));
    expect(heardOnB).toEqual(['first']);
    expect(heardElsewhere).toEqual([]);
  });
});
