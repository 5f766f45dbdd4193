import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, DEMO_NOW, postJson, readSse, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Two things a turn does at its edges, through the real HTTP API: outside business hours a
 * request for a person becomes a plain ticket offer and "几点上班?" gets the hours (not a
 * transfer); a Traditional Chinese conversation is answered in Traditional characters, streamed
 * deltas and quick replies included, and stays so.
 */
const auth = { authorization: `Bearer ${ADMIN_KEY}` };
/** 23:30 in Shanghai: after hours. */
const NIGHT = Date.parse('2026-11-24T23:30:00+08:00');
let clock = NIGHT;
let server: TestServer;

interface Reply {
  session_id: string;
  reply: string;
  handoff: boolean;
  intent: string;
  flow?: { name: string; step: string };
  quick_replies?: string[];
}

async function chat(message: string, sessionId?: string, userId?: string): Promise<Reply> {
  const res = await postJson(`${server.url}/v1/chat`, { message, ...(sessionId ? { session_id: sessionId } : {}), ...(userId ? { user_id: userId } : {}) });
  expect(res.status).toBe(200);
  return (await res.json()) as Reply;
}

/** Characters that only Simplified Chinese writes: none may reach a Traditional customer. */
const SIMPLIFIED_ONLY = /[们这个货运费谁时间说让请问订单为们发么没换诉务设购买东业务单号]/u;

beforeAll(async () => {
  server = await startTestServer({ KEFU_BUSINESS_HOURS: 'mon-fri 09:00-22:00; sat 10:00-16:00' }, undefined, { now: () => clock });
});
afterAll(async () => {
  await server?.destroy();
});

describe('after hours', () => {
  it('says so plainly with the hours, offers a ticket, files it, then answers the hours question with the hours', async () => {
    clock = NIGHT;
    const offer = await chat('我要投诉!!!你们什么破服务,马上给我转人工');
    expect(offer.handoff).toBe(false);
    expect(offer.flow).toEqual({ name: 'ticket_offer', step: 'confirm' });
    expect(offer.reply).toContain('下班时间');
    expect(offer.reply).toContain('周一至周五 09:00-22:00;周六 10:00-16:00');
    expect(offer.quick_replies).toEqual(['好的,登记工单', '不用了']);

    const filed = await chat('好的,登记工单', offer.session_id);
    expect(filed.flow).toEqual({ name: 'ticket_offer', step: 'done' });

    const hours = await chat('那你们几点上班?', offer.session_id);
    expect(hours.handoff).toBe(false);
    expect(hours.reply).toContain('周一至周五 09:00-22:00');
    expect(hours.reply).not.toMatch(/转接|transferring|connecting/i);
    expect(hours.flow).toBeUndefined();

    // Asking again the same night hears that the ticket is filed, not a second offer.
    const again = await chat('转人工', offer.session_id);
    expect(again.handoff).toBe(false);
    expect(again.reply).toContain('工单已经登记好了');
    expect(again.flow).toBeUndefined();

    const { tickets } = (await (await fetch(`${server.url}/v1/tickets`, { headers: auth })).json()) as { tickets: { session_id: string }[] };
    expect(tickets.filter((t) => t.session_id === offer.session_id).length).toBeLessThanOrEqual(1);
  });

  it('in English too, and in hours the same question says agents are online with a button to one', async () => {
    clock = NIGHT;
    // Agents' hours: the configured ones (a shop's opening hours come from its knowledge base, test/pipeline/knowledge-first.test.ts).
    const en = await chat('what are your customer service hours?');
    expect(en.reply).toContain('Mon-Fri 09:00-22:00; Sat 10:00-16:00');
    expect(en.reply).toContain('offline right now');
    clock = DEMO_NOW;
    const zh = await chat('客服什么时候在线?');
    expect(zh.reply).toContain('现在在线');
    expect(zh.quick_replies).toEqual(['转人工客服']);
    expect(zh.handoff).toBe(false);
  });
});

describe('a Traditional Chinese conversation', () => {
  it('is understood and answered in Traditional characters, streamed deltas included', async () => {
    clock = DEMO_NOW;
    // Signed in from the first turn: a session's customer is fixed when it is created.
    const res = await postJson(`${server.url}/v1/chat`, { message: '退貨政策是什麼', stream: true, user_id: 'demo-user' });
    const events = await readSse(res);
    const deltas = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
    const done = events.find((e) => e.event === 'done')!.data as Reply;
    expect(done.intent).toBe('return');
    expect(done.handoff).toBe(false);
    expect(deltas.join('')).toBe(done.reply);
    expect(done.reply).toContain('退貨');
    expect(done.reply).not.toMatch(SIMPLIFIED_ONLY);

    // It stays Traditional over turns with no script of their own, quick replies too.
    const ok = await chat('好的', done.session_id);
    expect(ok.reply).not.toMatch(SIMPLIFIED_ONLY);
    const flow = await chat('我要退貨', done.session_id, 'demo-user');
    expect(flow.flow?.name).toBe('return');
    expect(flow.reply).not.toMatch(SIMPLIFIED_ONLY);
    expect(flow.quick_replies?.join('')).not.toMatch(SIMPLIFIED_ONLY);
    const id = await chat('KF20261121001', done.session_id, 'demo-user');
    expect(id.reply).not.toMatch(SIMPLIFIED_ONLY);
    expect(id.reply).toMatch(/[訂單請問貨]/u);

    // The transcript keeps what the customer was shown.
    const transcript = (await (await fetch(`${server.url}/v1/sessions/${done.session_id}`, { headers: auth })).json()) as { messages: { role: string; content: string }[] };
    const shown = transcript.messages.filter((m) => m.role === 'assistant').map((m) => m.content);
    expect(shown.length).toBeGreaterThanOrEqual(4);
    for (const text of shown) expect(text).not.toMatch(SIMPLIFIED_ONLY);
  });

  it("a first greeting on a Traditional page (the widget's locale) is answered in Traditional", async () => {
    clock = DEMO_NOW;
    const res = await postJson(`${server.url}/v1/chat`, { message: '你好', locale: 'zh-Hant' });
    const hello = (await res.json()) as Reply;
    expect(hello.reply).toMatch(/[們詢貨發請]/u);
    expect(hello.reply).not.toMatch(SIMPLIFIED_ONLY);
    const plain = await chat('你好');
    expect(plain.reply).toMatch(/[们询货发请]/u);
  });

  it('an unanswered Traditional question offers a person in Traditional, never "reply 人工"', async () => {
    clock = DEMO_NOW;
    const r = await chat('請問火星上能送貨嗎 blorp zanzibar');
    expect(r.reply).not.toMatch(SIMPLIFIED_ONLY);
    expect(r.reply).not.toContain('回复"人工"');
  });
});
