import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, DEMO_NOW, postJson, sessionHeaders, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Handoff to people, the agent API, tickets and outcomes, through HTTP as an agent console and a
 * widget would use them. The clock is movable: business hours and idle closing depend on it.
 */
const auth = { authorization: `Bearer ${ADMIN_KEY}` };
let clock = DEMO_NOW;
let server: TestServer;

interface ChatReply {
  session_id: string;
  reply: string;
  handoff: boolean;
  flow?: { name: string; step: string };
}

async function chat(message: string, sessionId?: string, userId?: string): Promise<ChatReply> {
  const res = await postJson(`${server.url}/v1/chat`, { message, ...(sessionId ? { session_id: sessionId } : {}), ...(userId ? { user_id: userId } : {}) });
  expect(res.status).toBe(200);
  return (await res.json()) as ChatReply;
}

const get = async (path: string, headers: Record<string, string> = auth) => fetch(`${server.url}${path}`, { headers });

async function eventually<T>(probe: () => Promise<T | null>, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  server = await startTestServer({ KEFU_CONVERSATION_IDLE_MINUTES: '30', KEFU_BUSINESS_HOURS: '09:00-22:00' }, undefined, { now: () => clock });
});
afterAll(async () => {
  await server?.destroy();
});

describe('human handoff and the agent API', () => {
  it('queues, lets an agent claim and reply, keeps the bot silent, resolves and counts the outcome', async () => {
    clock = DEMO_NOW;
    const first = await chat('我要转人工');
    expect(first.handoff).toBe(true);
    expect(first.reply).toMatch(/预计等待约 \d+ 分钟/);
    const sid = first.session_id;

    const queued = (await (await get('/v1/handoffs?status=queued')).json()) as { handoffs: { id: string; session_id: string; reason: string; position: number }[] };
    const mine = queued.handoffs.find((h) => h.session_id === sid)!;
    expect(mine).toMatchObject({ reason: 'user_request', position: 1 });

    // Agent endpoints need the key.
    expect((await get('/v1/handoffs', {})).status).toBe(401);
    // Replying before claiming is refused.
    expect((await postJson(`${server.url}/v1/sessions/${sid}/agent-messages`, { text: 'hi' }, auth)).status).toBe(409);

    const claim = await postJson(`${server.url}/v1/handoffs/${mine.id}/claim`, { agent: 'xiaowang' }, auth);
    expect(claim.status).toBe(200);
    expect(((await claim.json()) as { status: string }).status).toBe('assigned');
    // A second claim conflicts.
    const again = await postJson(`${server.url}/v1/handoffs/${mine.id}/claim`, { agent: 'other' }, auth);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('handoff_conflict');

    // While the agent owns the session the bot says nothing.
    const silent = await chat('我的订单能退吗', sid);
    expect(silent).toMatchObject({ reply: '', handoff: true, flow: { name: 'handoff', step: 'assigned' } });

    // The agent's PII is masked in the transcript like anyone's.
    const sent = await postJson(`${server.url}/v1/sessions/${sid}/agent-messages`, { text: '您好,我是小王。可以打我电话 13812345678', agent: 'xiaowang' }, auth);
    expect(sent.status).toBe(201);
    const polled = (await (await get(`/v1/chat/sessions/${sid}/messages`, sessionHeaders(sid))).json()) as { handoff: { status: string }; messages: { role: string; content: string }[] };
    expect(polled.handoff.status).toBe('assigned');
    const agentMsg = polled.messages.find((m) => m.role === 'agent')!;
    expect(agentMsg.content).toContain('我是小王');
    expect(agentMsg.content).not.toContain('13812345678');

    expect((await postJson(`${server.url}/v1/handoffs/${mine.id}/resolve`, {}, auth)).status).toBe(200);
    // The bot is back.
    const back = await chat('谢谢', sid);
    expect(back.handoff).toBe(false);
    expect(back.reply.length).toBeGreaterThan(0);

    const rating = await postJson(`${server.url}/v1/sessions/${sid}/rating`, { score: 5, comment: '很快' });
    expect(rating.status).toBe(201);
    expect((await postJson(`${server.url}/v1/sessions/${sid}/rating`, { score: 4 })).status).toBe(409);
    expect((await postJson(`${server.url}/v1/sessions/${sid}/rating`, { score: 9 })).status).toBe(400);

    clock += 31 * 60_000;
    await server.kefu.closeIdleConversations();
    const stats = (await (await get('/v1/stats/outcomes')).json()) as { byOutcome: Record<string, number>; transferRate: number; csat: { count: number; average: number } };
    expect(stats.byOutcome.transferred).toBeGreaterThanOrEqual(1);
    expect(stats.csat).toMatchObject({ count: 1, average: 5 });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/kefu_conversations_total\{outcome="transferred",intent="[a-z_]+"\} 1/);
    expect(metrics).toMatch(/kefu_handoffs_total\{reason="user_request",result="queued"\} \d/);
    expect(metrics).toMatch(/kefu_csat_rating_count 1/);
  });

  it('hands a session back to the bot', async () => {
    clock = DEMO_NOW + 60_000;
    const { session_id: sid } = await chat('找个真人客服');
    const { handoffs } = (await (await get('/v1/handoffs')).json()) as { handoffs: { id: string; session_id: string }[] };
    const h = handoffs.find((x) => x.session_id === sid)!;
    await postJson(`${server.url}/v1/handoffs/${h.id}/claim`, { agent: 'li' }, auth);
    const released = await postJson(`${server.url}/v1/handoffs/${h.id}/release`, {}, auth);
    expect(((await released.json()) as { status: string }).status).toBe('returned');
    const reply = await chat('运费怎么算', sid);
    expect(reply.handoff).toBe(false);
    expect(reply.reply).not.toBe('');
  });

  it('outside business hours offers a ticket instead, filed through the queue once', async () => {
    clock = Date.parse('2026-11-24T23:30:00+08:00');
    const offer = await chat('转人工');
    expect(offer.handoff).toBe(false);
    expect(offer.flow).toEqual({ name: 'ticket_offer', step: 'confirm' });
    expect(offer.reply).toContain('09:00-22:00');
    const yes = await chat('好的', offer.session_id);
    expect(yes.flow).toEqual({ name: 'ticket_offer', step: 'done' });
    const ticket = await eventually(async () => {
      const { tickets } = (await (await get('/v1/tickets')).json()) as { tickets: { kind: string; session_id: string }[] };
      return tickets.find((t) => t.session_id === offer.session_id) ?? null;
    });
    expect(ticket.kind).toBe('handoff_after_hours');
    // Asking again in the same session files nothing new.
    const again = await chat('转人工', offer.session_id);
    await chat('好的', again.session_id);
    await new Promise((r) => setTimeout(r, 400));
    const { tickets } = (await (await get('/v1/tickets')).json()) as { tickets: { session_id: string }[] };
    expect(tickets.filter((t) => t.session_id === offer.session_id)).toHaveLength(1);
  });

  it('files a complaint as a ticket', async () => {
    clock = DEMO_NOW + 2 * 60_000;
    const r = await chat('我要投诉你们的快递员态度很差');
    expect(r.reply).toContain('投诉工单');
    await eventually(async () => {
      const { tickets } = (await (await get('/v1/tickets')).json()) as { tickets: { kind: string; session_id: string }[] };
      return tickets.find((t) => t.session_id === r.session_id && t.kind === 'complaint') ?? null;
    });
  });

  it('rejects bad agent input with clear errors', async () => {
    expect((await postJson(`${server.url}/v1/handoffs/nope/claim`, { agent: 'x' }, auth)).status).toBe(404);
    const noAgent = await postJson(`${server.url}/v1/handoffs/nope/claim`, {}, auth);
    expect(noAgent.status).toBe(400);
    expect((await get('/v1/handoffs?status=bogus')).status).toBe(400);
    expect((await postJson(`${server.url}/v1/sessions/unknown-session/rating`, { score: 3 })).status).toBe(404);
  });
});
