import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../support/start-test-server.ts';
import { startCluster, type Cluster } from './cluster-harness.ts';

/**
 * Three `kefu serve` processes behind nginx, sharing PostgreSQL, Redis and an order system:
 * a node is killed with SIGKILL in the middle of 20 conversations, the primary LLM backend is
 * stopped, Redis is restarted. docs/cluster.md records what this test observed.
 */
let cluster: Cluster | null = null;

// A cluster that cannot start (a node crashing at boot, nginx or PostgreSQL missing) fails the
// suite: .ci/run installs everything it needs, so a skip here would only hide a crash.
beforeAll(async () => {
  cluster = await startCluster({ nodes: 3 });
  // Each node may take its harness's 120 s to be ready on a loaded 2-core machine.
}, 300_000);
afterAll(async () => {
  await cluster?.close();
});

const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ChatReply {
  session_id: string;
  session_token?: string;
  reply: string;
  model?: string;
  flow?: { name: string; step: string };
}
interface Transcript {
  messages: { role: string; content: string }[];
}

/** The token each session was created with: later turns, on any node, send it back. */
const sessionTokens = new Map<string, string>();

async function post(c: Cluster, message: string, user: string, session: string | undefined, clientMessageId: string): Promise<Response> {
  return fetch(`${c.url}/v1/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, user_id: user, client_message_id: clientMessageId, ...(session === undefined ? {} : { session_id: session, session_token: sessionTokens.get(session) }) }),
  });
}

async function transcript(c: Cluster, session: string): Promise<Transcript> {
  const res = await fetch(`${c.url}/v1/sessions/${session}`, { headers: admin });
  expect(res.status, `GET /v1/sessions/${session}`).toBe(200);
  return (await res.json()) as Transcript;
}

const count = (t: Transcript, role: string) => t.messages.filter((m) => m.role === role).length;

interface Script {
  user: string;
  turns: string[];
  /** The last reply must match (the write went through). */
  done?: RegExp;
  complaint?: boolean;
}

// Writes on distinct orders (docs/demo-order-system.md), complaints, and read-only turns.
const SCRIPTS: Script[] = [
  { user: 'u1002', turns: ['我要退货', 'KF20261116012', '退款', '尺寸不合适', '确认'], done: /申请单号 RT/ },
  { user: 'u1001', turns: ['我要退货', 'KF20261112009', '换货', '尺寸不合适', '确认'], done: /申请单号 RT/ },
  { user: 'demo-user', turns: ['我要退货', 'KF20261121001', '换货', '尺寸不合适', '确认'], done: /申请单号 RT/ },
  { user: 'u1003', turns: ['我要取消订单', '确认'], done: /已取消/ },
  { user: 'u1002', turns: ['我要取消订单', '确认'], done: /已取消/ },
  { user: 'demo-user', turns: ['我要取消订单', 'KF20261124004', '确认'], done: /已取消/ },
  ...Array.from({ length: 7 }, (_, i): Script => ({ user: `c-user-${i}`, turns: ['你好', '我要投诉快递员态度恶劣', '谢谢'], complaint: true })),
  ...Array.from({ length: 7 }, (): Script => ({ user: 'demo-user', turns: ['我要退货', 'KF20261101005', '好的'] })),
];

interface Observed {
  /** Turns that came back 502 (or a dropped connection) from nginx. */
  failedTurns: number;
  /** Of those, turns the transcript showed recorded (not resent). */
  recordedAnyway: number;
  /** Turns resent with the same message. */
  resent: number;
  /** Sessions whose user message was recorded but whose reply was lost with the killed node. */
  halfTurns: Map<string, number>;
}

/**
 * Runs one conversation; on a 502 or a dropped connection it resends the same message with the
 * same `client_message_id`: Kefu answers a resend once, from the transcript when the turn was
 * already answered, without storing the message twice.
 */
async function converse(c: Cluster, script: Script, observed: Observed, onTurn: () => void): Promise<{ session: string; last: ChatReply | null }> {
  let session: string | undefined;
  let last: ChatReply | null = null;
  for (const [i, message] of script.turns.entries()) {
    for (let attempt = 1; ; attempt++) {
      const res = await post(c, message, script.user, session, `${script.user}-${i}`).catch(() => null);
      if (res !== null && res.status === 200) {
        last = (await res.json()) as ChatReply & { replayed?: boolean };
        session = last.session_id;
        if (last.session_token !== undefined) sessionTokens.set(session, last.session_token);
        if ((last as { replayed?: boolean }).replayed === true) observed.recordedAnyway++;
        break;
      }
      const status = res === null ? 'connection error' : `${res.status} ${await res.text()}`;
      if (attempt >= 3) throw new Error(`turn ${i + 1} of ${script.user}'s conversation failed ${attempt} times: ${status}`);
      observed.failedTurns++;
      observed.resent++;
      // The first turn of a conversation has no session yet: the resend starts it afresh.
      if (session === undefined && i > 0) throw new Error('lost the session id');
    }
    onTurn();
  }
  return { session: session!, last };
}

const QUESTIONS = ['你们的退货政策是什么?', '空气净化器用久了声音变大,平时应该怎么保养?', '买电视的话你们一般推荐挂墙还是放柜子上?', '会员有哪些好处,值得开通吗?'];

describe('a three-node cluster behind nginx', () => {
  it('keeps 20 conversations whole when a node is killed with SIGKILL mid-way', async () => {
    if (cluster === null) throw new Error('the cluster did not start');
    const c = cluster;
    const total = SCRIPTS.reduce((n, s) => n + s.turns.length, 0);
    let done = 0;
    let killed: Promise<void> | null = null;
    const observed: Observed = { failedTurns: 0, recordedAnyway: 0, resent: 0, halfTurns: new Map() };
    const results = await Promise.all(
      SCRIPTS.map((s) =>
        converse(c, s, observed, () => {
          if (++done >= total / 3 && killed === null) killed = c.kill(1, 'SIGKILL');
        }),
      ),
    );
    await killed;
    expect(c.nodes[1]!.alive(), 'node 1 was killed').toBe(false);
    const half = [...observed.halfTurns.values()].reduce((a, b) => a + b, 0);
    console.info(`cluster: ${total} turns, node 1 killed after ${Math.ceil(total / 3)}; 502s ${observed.failedTurns}, resent ${observed.resent}, answered from the transcript ${observed.recordedAnyway}, turns without a reply ${half}`);
    // Nothing is ever duplicated; a reply is only missing where the client saw the 502 of a turn
    // whose user message the killed node had already stored (see docs/cluster.md).
    expect(half).toBeLessThanOrEqual(observed.failedTurns);

    for (const [i, s] of SCRIPTS.entries()) {
      const { session, last } = results[i]!;
      const t = await transcript(c, session);
      const lost = observed.halfTurns.get(session) ?? 0;
      expect({ user: count(t, 'user'), assistant: count(t, 'assistant') }, `${s.user}: ${s.turns.join(' / ')}\n${c.logs()}`).toEqual({ user: s.turns.length, assistant: s.turns.length - lost });
      if (s.done !== undefined && last !== null && lost === 0) {
        const reply = last?.reply ?? t.messages.filter((m) => m.role === 'assistant').at(-1)?.content ?? '';
        expect(reply, `${s.user}: ${s.turns.join(' / ')}`).toMatch(s.done);
      }
    }

    // Each complaint conversation has exactly one complaint ticket (filed through the Redis queue).
    const complaintSessions = new Set(results.filter((_, i) => SCRIPTS[i]!.complaint === true).map((r) => r.session));
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await fetch(`${c.url}/v1/tickets`, { headers: admin });
      expect(res.status).toBe(200);
      const { tickets } = (await res.json()) as { tickets: { session_id: string; kind: string }[] };
      const mine = tickets.filter((t) => t.kind === 'complaint' && complaintSessions.has(t.session_id));
      // A complaint turn lost with the killed node (user message stored, no reply) files no ticket.
      const expected = [...complaintSessions].filter((id) => !observed.halfTurns.has(id)).sort();
      if (mine.length >= expected.length || Date.now() > deadline) {
        const filed = mine.map((t) => t.session_id).sort();
        expect(filed.filter((id) => expected.includes(id)), 'one ticket per complaint, never two').toEqual(expected);
        expect(new Set(filed).size, 'no duplicated tickets').toBe(filed.length);
        break;
      }
      await sleep(100);
    }
  }, 40_000);

  it('keeps answering knowledge questions from the standby when the primary LLM backend stops', async () => {
    if (cluster === null) throw new Error('the cluster did not start');
    const c = cluster;
    await c.stopPrimaryBackend();
    const before = c.standby.requests.filter((r) => r.path === '/chat/completions').length;
    const models: string[] = [];
    for (const question of QUESTIONS) {
      const res = await post(c, question, 'kb-user', undefined, `kb-${question}`);
      expect(res.status, c.logs()).toBe(200);
      models.push(((await res.json()) as ChatReply).model ?? '(none)');
    }
    console.info(`cluster: primary stopped; models ${JSON.stringify(models)}, primary requests ${c.primary.requests.length}`);
    // A close FAQ hit is answered from the knowledge base directly (model "retrieval"); the rest
    // go to the model, which now means the standby.
    // With the demo knowledge base these questions may all be answered without a model
    // ("retrieval", "dialogue"); every reply that did use one must have come through the router.
    const generated = models.filter((m) => m !== 'retrieval' && m !== 'dialogue');
    expect(generated.every((m) => m.startsWith('router:')), JSON.stringify(models)).toBe(true);
    if (generated.length > 0) expect(c.standby.requests.filter((r) => r.path === '/chat/completions').length).toBeGreaterThan(before);
  }, 20_000);

  it('recovers chat and ticket filing within seconds after Redis restarts', async () => {
    if (cluster === null) throw new Error('the cluster did not start');
    const c = cluster;
    await c.restartRedis();
    const started = Date.now();
    const deadline = started + 15_000;
    let session: string | null = null;
    let lastError = '';
    while (session === null) {
      if (Date.now() > deadline) throw new Error(`no complaint went through within 15 s of the Redis restart: ${lastError}\n${c.logs()}`);
      const res = await post(c, '我要投诉客服态度差', 'redis-user', undefined, `redis-${Date.now()}`).catch((e: unknown) => e);
      if (res instanceof Response && res.status === 200) session = ((await res.json()) as ChatReply).session_id;
      else {
        lastError = res instanceof Response ? `${res.status} ${await res.text()}` : String(res);
        await sleep(200);
      }
    }
    for (;;) {
      const { tickets } = (await (await fetch(`${c.url}/v1/tickets`, { headers: admin })).json()) as { tickets: { session_id: string; kind: string }[] };
      if (tickets.some((t) => t.session_id === session && t.kind === 'complaint')) break;
      if (Date.now() > deadline) throw new Error(`the complaint filed after the Redis restart never became a ticket\n${c.logs()}`);
      await sleep(100);
    }
    console.info(`cluster: chat and tickets back ${Date.now() - started} ms after the Redis restart`);
  }, 20_000);
});
