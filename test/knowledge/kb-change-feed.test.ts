import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisKbChangeFeed } from '../../src/knowledge/kb-change-feed.ts';
import { startRedisReadyCheckProxy, unhandledWhenClosedDuringReconnect } from '../support/redis-ready-check-proxy.ts';
import { startRedis, type TestRedis } from '../support/start-redis.ts';
import { waitFor } from '../queue/wait-for.ts';

describe('knowledge-base change feed over Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('after its subscriber reconnects, it tells its listeners to re-read and hears announcements again', async () => {
    const prefix = `test-${randomUUID()}`;
    const proxy = await startRedisReadyCheckProxy(redis.url);
    const [a, b] = [await createRedisKbChangeFeed({ url: proxy.url, prefix }), await createRedisKbChangeFeed({ url: redis.url, prefix })];
    try {
      let heard = 0;
      a.subscribe(() => void heard++);
      const held = proxy.cutSubscribersAndHoldReadyCheck();
      await held;
      proxy.resume();
      await waitFor(() => heard === 1, 'the reconnected feed to tell its listeners to re-read', 5000);
      b.announce();
      await waitFor(() => heard === 2, 'the reconnected feed to hear another node', 5000);
    } finally {
      await a.close();
      await b.close();
      await proxy.close();
    }
  });

  // A node shut down just after a Redis blip: its subscriber is connected again but still waiting
  // for the ready check's reply, which then arrives on a connection being closed.
  it('closed while its subscriber reconnects, it leaves no unhandled rejection', async () => {
    const unhandled = await unhandledWhenClosedDuringReconnect(redis.url, (url) => createRedisKbChangeFeed({ url, prefix: `test-${randomUUID()}` }));
    expect(unhandled).toEqual([]);
  });
});
