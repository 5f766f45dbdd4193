import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { KefuClient, type KefuMessage } from '../../sdk/kefu-client.ts';
import { httpJson } from '../support/loopback-http.ts';
import { childrenOf } from '../support/start-kefu-workers.ts';
import { ADMIN_KEY } from '../support/start-test-server.ts';
import { startCluster, type Cluster } from './cluster-harness.ts';

/**
 * The multi-node setup with `kefu serve --workers 2` on each node (PostgreSQL, Redis, nginx):
 * Redis reaches every worker of every node, a worker's death is its own node's business (the
 * node's primary replaces it), and each node's /metrics is the sum of its workers.
 * `KEFU_TEST_NODE_WORKERS=2 npx vitest run test/system/cluster.test.ts` runs the fault test so too.
 */
let cluster: Cluster;
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, workers: 2 });
}, 240_000);
afterAll(async () => cluster?.close());

interface ChatReply {
  session_id: string;
  session_token: string;
  replayed?: boolean;
}

it('runs two workers on each node', () => {
  for (const node of cluster.nodes) expect(childrenOf(node.proc.pid!), node.stderr()).toHaveLength(2);
});

it('pushes an agent reply sent through one node to a customer socket on every worker of the other', async () => {
  const [a, b] = cluster.nodes;
  // Two connections to node A: the primary hands them to its two workers in turn.
  const customer = new KefuClient({ url: `${a!.url.replace(/^http/, 'ws')}/v1/ws`, WebSocket, reconnect: false });
  const pushed: KefuMessage[] = [];
  customer.on('message', (m: KefuMessage) => pushed.push(m));
  try {
    const { sessionId } = await customer.connect();
    expect((await customer.ask('转人工')).handoff).toBe(true);
    const queued = (await httpJson(`${b!.url}/v1/handoffs`, { headers: admin })).body as { handoffs: { id: string; session_id: string }[] };
    const mine = queued.handoffs.find((h) => h.session_id === sessionId)!;
    expect((await httpJson(`${b!.url}/v1/handoffs/${mine.id}/claim`, { body: { agent: 'xiaowang' }, headers: admin })).status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const sent = await httpJson(`${b!.url}/v1/sessions/${sessionId}/agent-messages`, { body: { text: `第${i}条`, agent: 'xiaowang' }, headers: admin });
      expect(sent.status).toBe(201);
      ids.push((sent.body as { message_id: string }).message_id);
    }
    const until = Date.now() + 10_000;
    while (!ids.every((id) => pushed.some((m) => m.id === id))) {
      if (Date.now() > until) throw new Error(`agent replies missing on node A's socket: ${JSON.stringify(pushed)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(pushed.filter((m) => ids.includes(m.id))).toHaveLength(4);
  } finally {
    customer.close();
  }
}, 60_000);

it('keeps every turn once through nginx while a worker of node 1 is killed, and the node replaces it', async () => {
  const [, b] = cluster.nodes;
  const before = childrenOf(b!.proc.pid!);
  const sessions: ChatReply[] = [];
  let killed = false;
  const turns = ['你好', '你们的退货政策是什么?', '谢谢'];
  await Promise.all(Array.from({ length: 8 }, async (_, s) => {
    let session: ChatReply | null = null;
    for (const [t, message] of turns.entries()) {
      if (s === 0 && t === 1 && !killed) {
        killed = true;
        process.kill(before[0]!, 'SIGKILL');
      }
      // A turn lost with the killed worker (nginx answers 502) is resent with the same client_message_id.
      for (let attempt = 1; ; attempt++) {
        const body = { message, user_id: `w-user-${s}`, client_message_id: `w${s}-${t}`, ...(session === null ? {} : { session_id: session.session_id, session_token: session.session_token }) };
        const r = await httpJson(`${cluster.url}/v1/chat`, { body }).catch(() => null);
        if (r?.status === 200) {
          session ??= r.body as ChatReply;
          break;
        }
        if (attempt >= 4) throw new Error(`turn ${t} of session ${s} failed ${attempt} times: ${r?.status}\n${cluster.logs()}`);
        await new Promise((res) => setTimeout(res, 200));
      }
    }
    sessions.push(session!);
  }));
  for (const s of sessions) {
    const t = (await httpJson(`${cluster.url}/v1/sessions/${s.session_id}`, { headers: admin })).body as { messages: { role: string; content: string }[] };
    expect(t.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(turns);
    expect(t.messages.filter((m) => m.role === 'assistant').length).toBeLessThanOrEqual(turns.length);
  }
  expect(b!.alive()).toBe(true);
  const until = Date.now() + 90_000;
  while (!(childrenOf(b!.proc.pid!).length === 2 && !childrenOf(b!.proc.pid!).includes(before[0]!) && /worker died; starting a new one/.test(b!.stderr()))) {
    if (Date.now() > until) throw new Error(`node 1 did not replace its worker (${before.join(',')} -> ${childrenOf(b!.proc.pid!).join(',')}):\n${b!.stderr()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 240_000);

it("reports on each node's /metrics the sum of its workers", async () => {
  const [a] = cluster.nodes;
  for (let i = 0; i < 12; i++) expect((await httpJson(`${a!.url}/healthz`)).status).toBe(200);
  const text = (await httpJson(`${a!.url}/metrics`)).body as string;
  expect(text).toMatch(/^kefu_http_requests_total\{method="GET",route="\/healthz",status="200"\} 12$/m);
}, 30_000);
