import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitStore } from '../../src/contracts/rate-limit-store.ts';
import { createRedisRateLimitStore } from '../../src/server/redis-rate-limit-store.ts';
import { startRedis, type TestRedis } from '../support/start-redis.ts';

describe('Redis rate limit store', () => {
  let redis: TestRedis;
  const stores: RateLimitStore[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  afterAll(async () => {
    await redis.stop();
  });

  /** One Kefu node: its own limiter and store, sharing the Redis at `url`. */
  const node = (prefix: string, limit: number, url = redis.url, failOpen = true) => {
    const store = createRedisRateLimitStore({ url, prefix, failOpen });
    stores.push(store);
    const app = new Hono();
    app.use(rateLimiter({ windowMs: 60_000, limit, standardHeaders: 'draft-6', keyGenerator: (c) => c.req.header('x-client') ?? 'anon', store }));
    app.get('/', (c) => c.text('ok'));
    app.onError((_err, c) => c.text('limiter failed', 500));
    return (client: string) => app.request('/', { headers: { 'x-client': client } });
  };

  it('two limiter instances share one limit per client', async () => {
    const prefix = `test-${randomUUID()}:`;
    const a = node(prefix, 3);
    const b = node(prefix, 3);
    const statuses = [];
    for (const send of [a, b, a, b, a]) statuses.push((await send('alice')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await b('bob')).status).toBe(200); // other clients are counted apart
    const res = await a('carol');
    expect(res.headers.get('ratelimit-remaining')).toBe('2');
    const reset = Number(res.headers.get('ratelimit-reset'));
    expect(reset).toBeGreaterThan(55);
    expect(reset).toBeLessThanOrEqual(60);
  });

  it('resetKey clears one client for every node', async () => {
    const prefix = `test-${randomUUID()}:`;
    const a = node(prefix, 1);
    const b = node(prefix, 1);
    expect((await a('alice')).status).toBe(200);
    expect((await b('alice')).status).toBe(429);
    await stores[0]!.resetKey('alice');
    expect((await b('alice')).status).toBe(200);
    expect(await stores[1]!.get?.('alice')).toMatchObject({ totalHits: 1 });
  });

  it('lets requests through when Redis is down unless told to fail closed', async () => {
    const gone = await startRedis();
    await gone.stop();
    const open = node(`test-${randomUUID()}:`, 1, gone.url);
    const closed = node(`test-${randomUUID()}:`, 1, gone.url, false);
    expect((await open('alice')).status).toBe(200);
    expect((await open('alice')).status).toBe(200);
    expect((await closed('alice')).status).toBe(500);
  });
});
