import { afterAll, beforeAll, expect, it } from 'vitest';
import { upgradeStatus } from '../channels/app/app-harness.ts';
import { startRedis, type TestRedis } from '../support/start-redis.ts';
import { startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Several nodes behind one address: the app socket's connection limit is counted in the same
 * Redis as the HTTP limits, so a client spreading connections over the nodes gets no more.
 */
let redis: TestRedis;
const nodes: TestServer[] = [];
beforeAll(async () => {
  redis = await startRedis();
  for (let i = 0; i < 2; i++) nodes.push(await startTestServer({ KEFU_REDIS_URL: redis.url, KEFU_RATE_LIMIT_PER_MINUTE: '3', KEFU_TRUSTED_PROXIES: '127.0.0.1' }));
});
afterAll(async () => {
  for (const n of nodes.splice(0)) await n.destroy();
  await redis?.stop();
});

it('connections spread over two nodes share one budget per client', async () => {
  // A client address of its own, so runs against a shared Redis do not meet.
  const client = `198.51.100.${1 + (process.pid % 250)}`;
  const open = (i: number) => upgradeStatus(`${nodes[i % 2]!.url.replace(/^http/, 'ws')}/v1/ws`, { 'x-forwarded-for': client });
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push(await open(i));
  // With counters per process each node would have let three through.
  expect(statuses).toEqual([101, 101, 101, 429, 429, 429]);
});
