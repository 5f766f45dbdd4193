import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { KefuClient, type KefuMessage } from '../../sdk/kefu-client.ts';
import { startDemoOrderServer, type RunningDemoOrderServer } from '../../src/orders/start-demo-order-server.ts';
import { startPostgres, type TestPostgres } from '../support/start-postgres.ts';
import { startRedis, type TestRedis } from '../support/start-redis.ts';
import { ADMIN_KEY, DEMO_NOW, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';
import { waitForRedisCacheEntry } from '../support/wait-for-redis-cache-entry.ts';

/**
 * Two gateway nodes sharing PostgreSQL (conversations, tickets, handoffs, outcomes, API keys),
 * Redis (job queue, rate limits, events, answer cache) and one order system: a customer on one node is served
 * by an agent on the other, a conversation moves between nodes mid-flow, a ticket filed on one
 * node is worked and visible on the other, and when a node dies the other carries on.
 */
let pg: TestPostgres;
let redis: TestRedis;
let orders: RunningDemoOrderServer;
let ordersDir: string;
let a: TestServer;
let b: TestServer;
/** Both nodes' clock; moved only to let conversations go idle. */
let clock = DEMO_NOW;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  ordersDir = mkdtempSync(path.join(tmpdir(), 'kefu-orders-'));
  orders = await startDemoOrderServer({ path: path.join(ordersDir, 'orders.db'), now: () => DEMO_NOW });
  // Shared state means shared keys: KEFU_DATABASE_URL requires the vault and audit keys from the environment.
  const env = { KEFU_DATABASE_URL: pg.url, KEFU_REDIS_URL: redis.url, KEFU_ORDERS_URL: orders.url, KEFU_VAULT_KEY: '7e'.repeat(32), KEFU_AUDIT_KEY: 'a1'.repeat(32) };
  [a, b] = await Promise.all([startTestServer(env, undefined, { now: () => clock }), startTestServer(env, undefined, { now: () => clock })]);
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

const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const getJson = async <T>(url: string, headers: Record<string, string>): Promise<T> => {
  const res = await fetch(url, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};

it('serves an answer cached on one node from the cache on the other', async () => {
  const ask = async (node: TestServer, message: string) => (await (await postJson(`${node.url}/v1/chat`, { message })).json()) as { reply: string; cached: boolean };
  const first = await ask(a, '你们的退货政策是什么?');
  expect(first.cached).toBe(false);
  await waitForRedisCacheEntry(redis.url);
  // No retry loop: a miss on B would cache B's own answer and let a retry pass with per-node caches.
  // The event is one pub/sub hop on loopback; 500 ms leaves room for a loaded CI machine.
  await new Promise((r) => setTimeout(r, 500));
  expect(await ask(b, '请问你们的退货政策是什么')).toMatchObject({ cached: true, reply: first.reply });
});

it('serves a customer on one node from an agent on the other, with shared keys and KPIs', async () => {
  // An agent key made on node A authenticates on node B.
  const made = await postJson(`${a.url}/v1/keys`, { name: 'xiaowang', role: 'agent' }, admin);
  expect(made.status).toBe(201);
  const agent = { authorization: `Bearer ${((await made.json()) as { key: string }).key}` };

  // The customer, connected to node A, asks for a person.
  const customer = new KefuClient({ url: a.url.replace(/^http/, 'ws') + '/v1/ws', WebSocket });
  const pushed: KefuMessage[] = [];
  customer.on('message', (m) => pushed.push(m));
  try {
    const { sessionId } = await customer.connect();
    expect((await customer.ask('转人工')).handoff).toBe(true);
    // The customer's own reads and rating go with the token the app got with the session, on either node.
    const customerToken = { 'x-kefu-session-token': customer.sessionToken! };

    // The agent polls node B: the handoff is there, first in line.
    type HandoffView = { id: string; session_id: string; status: string; agent: string | null; position?: number };
    const queued = await getJson<{ handoffs: HandoffView[] }>(`${b.url}/v1/handoffs`, agent);
    const mine = queued.handoffs.find((h) => h.session_id === sessionId);
    expect(mine).toMatchObject({ status: 'queued', position: 1 });
    const claimed = await postJson(`${b.url}/v1/handoffs/${mine!.id}/claim`, {}, agent);
    expect(claimed.status).toBe(200);
    expect(await claimed.json()).toMatchObject({ status: 'assigned', agent: 'xiaowang' });
    // A second claim through node A loses: one shared queue.
    expect((await postJson(`${a.url}/v1/handoffs/${mine!.id}/claim`, { agent: 'xiaoli' }, admin)).status).toBe(409);

    const sent = await postJson(`${b.url}/v1/sessions/${sessionId}/agent-messages`, { text: '您好,我是小王' }, agent);
    expect(sent.status).toBe(201);
    const { message_id: agentMessageId } = (await sent.json()) as { message_id: string };

    // The customer on node A gets it pushed, and node A's poll endpoint shows the claim and reply.
    const until = Date.now() + 10_000;
    while (!pushed.some((m) => m.id === agentMessageId)) {
      if (Date.now() > until) throw new Error(`agent reply never reached the customer on node A; got ${JSON.stringify(pushed)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const polled = await getJson<{ handoff: { status: string } | null; messages: { id: string; role: string; content: string }[] }>(`${a.url}/v1/chat/sessions/${sessionId}/messages`, customerToken);
    expect(polled.handoff).toEqual({ status: 'assigned' });
    expect(polled.messages.find((m) => m.id === agentMessageId)).toMatchObject({ role: 'agent', content: '您好,我是小王' });
    // While the agent owns the session, the bot on either node stays silent.
    const onB = await postJson(`${b.url}/v1/chat`, { message: '好的', session_id: sessionId, session_token: customer.sessionToken });
    expect(((await onB.json()) as { reply: string }).reply).toBe('');

    // Resolved on node A, rated on node B; node A's sweep closes it.
    expect((await postJson(`${a.url}/v1/handoffs/${mine!.id}/resolve`, {}, agent)).status).toBe(200);
    expect((await postJson(`${b.url}/v1/sessions/${sessionId}/rating`, { score: 5 }, customerToken)).status).toBe(201);
    expect((await postJson(`${a.url}/v1/sessions/${sessionId}/rating`, { score: 4 }, customerToken)).status).toBe(409);
    clock += 31 * 60_000;
    await a.kefu.closeIdleConversations();
    clock = DEMO_NOW; // the next test's orders and flows expect the demo clock
  } finally {
    customer.close();
  }

  // Both nodes report the same KPIs, from the shared tables.
  const period = `from=${DEMO_NOW - 86_400_000}&to=${DEMO_NOW + 86_400_000}`;
  type Kpis = { outcomes: { transferred: number }; csat: { count: number; average: number | null }; messages: { agent: number } };
  const [fromA, fromB] = await Promise.all([getJson<Kpis>(`${a.url}/v1/admin/kpis?${period}`, admin), getJson<Kpis>(`${b.url}/v1/admin/kpis?${period}`, admin)]);
  expect(fromA).toEqual(fromB);
  expect(fromA).toMatchObject({ outcomes: { transferred: 1 }, csat: { count: 1, average: 5 }, messages: { agent: 1 } });
}, 60_000);

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
