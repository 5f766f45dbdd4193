import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDemoOrderServer, type RunningDemoOrderServer } from '../../src/orders/start-demo-order-server.ts';
import { startPostgres, type TestPostgres } from '../support/start-postgres.ts';
import { startRedis, type TestRedis } from '../support/start-redis.ts';
import { ADMIN_KEY, DEMO_NOW, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Two gateway nodes sharing PostgreSQL (conversations, tickets), Redis (job queue, rate limits,
 * events) and one order system: a conversation moves between nodes mid-flow, a ticket filed on
 * one node is worked and visible on the other, and when a node dies the other carries on.
 */
let pg: TestPostgres;
let redis: TestRedis;
let orders: RunningDemoOrderServer;
let ordersDir: string;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  ordersDir = mkdtempSync(path.join(tmpdir(), 'kefu-orders-'));
  orders = await startDemoOrderServer({ path: path.join(ordersDir, 'orders.db'), now: () => DEMO_NOW });
  const env = { KEFU_DATABASE_URL: pg.url, KEFU_REDIS_URL: redis.url, KEFU_ORDERS_URL: orders.url };
  [a, b] = await Promise.all([startTestServer(env, undefined, { now: () => DEMO_NOW }), startTestServer(env, undefined, { now: () => DEMO_NOW })]);
}, 60_000);
afterAll(async () => {
  await b?.destroy();
  await orders?.close();
  await redis?.stop();
  await pg?.stop();
  rmSync(ordersDir, { recursive: true, force: true });
});

const chat = async (node: TestServer, message: string, session?: string) => {
  const res = await postJson(`${node.url}/v1/chat`, { message, user_id: 'demo-user', ...(session ? { session_id: session } : {}) });
  expect(res.status).toBe(200);
  return (await res.json()) as { session_id: string; reply: string; flow?: { name: string; step: string } };
};

it('continues a flow across nodes, shares tickets, and survives a node dying', async () => {
  const first = await chat(a, '我要退货');
  expect(first.flow).toEqual({ name: 'return', step: 'choose_order' });
  // The next turn lands on the other node: the flow state comes from PostgreSQL.
  const second = await chat(b, 'KF20261121001', first.session_id);
  expect(second.flow?.step).toBe('choose_type');
  const third = await chat(a, '换货', first.session_id);
  expect(third.flow?.step).toBe('ask_reason');

  // Node A dies in the middle of the conversation; B finishes it.
  await a.destroy();
  const fourth = await chat(b, '尺寸不合适', first.session_id);
  expect(fourth.flow?.step).toBe('confirm');
  const done = await chat(b, '确认', first.session_id);
  expect(done.flow?.step).toBe('done');
  expect(done.reply).toMatch(/申请单号 RT/);

  // The transcript on the surviving node has every turn once.
  const transcript = (await (await fetch(`${b.url}/v1/sessions/${first.session_id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { messages: { role: string }[] };
  expect(transcript.messages.filter((m) => m.role === 'user')).toHaveLength(5);
  expect(transcript.messages.filter((m) => m.role === 'assistant')).toHaveLength(5);

  // A complaint filed on B goes through the Redis queue into the PostgreSQL ticket store.
  const complaint = await chat(b, '我要投诉快递员态度恶劣');
  const until = Date.now() + 10_000;
  for (;;) {
    const { tickets } = (await (await fetch(`${b.url}/v1/tickets`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { tickets: { session_id: string; kind: string }[] };
    if (tickets.some((t) => t.session_id === complaint.session_id && t.kind === 'complaint')) break;
    if (Date.now() > until) throw new Error('complaint ticket never appeared');
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);
