import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestServer } from '../support/start-test-server.ts';
import { chatAs, type ChatReply, type KefuBehindOrderProxy, relayRead, startKefuBehindOrderProxy } from '../support/kefu-behind-order-proxy.ts';

/**
 * An order system that passes the reads through but refuses every write with a 409 in its own
 * words (English, a bare `{error: "..."}` or a code Kefu does not know). The customer always hears
 * why in their own language, from the refusal's reason code or from a fresh look at the order;
 * the order system's text never reaches them.
 */
let rig: KefuBehindOrderProxy;
let server: TestServer;
let refusal = '';
/** After a refused write, reads say the order has shipped meanwhile. */
let shippedAfterWrite = false;
let refused = 0;

beforeAll(async () => {
  rig = await startKefuBehindOrderProxy((req, res, upstream) => {
    if (req.method !== 'GET') {
      refused++;
      res.writeHead(409, { 'content-type': 'application/json' }).end(refusal);
      return;
    }
    relayRead(req, res, upstream, (body) => (shippedAfterWrite && refused > 0 ? body.replace(/"status":"(paid|pending_payment)"/g, '"status":"shipped"') : body));
  });
  server = rig.server;
});
afterAll(async () => {
  await rig?.close();
});

const chat = (message: string, userId: string, sessionId?: string): Promise<ChatReply> => chatAs(server, userId, message, sessionId);

/** Confirms a write the order system will refuse; the final reply. */
async function refusedWrite(opener: string, userId: string, yes: string, body: string): Promise<ChatReply> {
  refusal = body;
  refused = 0;
  const first = await chat(opener, userId);
  expect(first.flow?.step, first.reply).toBe('confirm');
  const done = await chat(yes, userId, first.session_id);
  expect(refused).toBe(1);
  return done;
}

/** Latin words other than order ids: what a Chinese reply must not carry from an English error. */
const latinWords = (text: string): string[] => text.replace(/KF\d+/g, '').match(/[A-Za-z]{3,}/g) ?? [];

it('a bare English refusal reaches a Chinese customer as a Chinese explanation, never as sent', async () => {
  const done = await refusedWrite('帮我取消订单 KF20261124004', 'demo-user', '确认', '{"error":"Order cannot be modified at this time"}');
  expect(done.reply).toContain('没有成功');
  expect(done.reply).toContain('不符合办理条件');
  expect(latinWords(done.reply)).toEqual([]);
});

it("a refusal's reason code is worded from the shop policy in the customer's language", async () => {
  const done = await refusedWrite('订单 KF20261121001 退货退款,不想要了', 'demo-user', '好的', '{"error":{"code":"not_eligible","message":"Return window closed","reason":"return_window_expired"}}');
  expect(done.reply).toContain('7 天的退货退款期限');
  expect(done.reply).not.toContain('Return window closed');
});

it('an unknown refusal is explained from a fresh look at the order (it shipped meanwhile)', async () => {
  shippedAfterWrite = true;
  try {
    const done = await refusedWrite('订单 KF20261124003 地址改成上海市徐汇区漕溪北路398号', 'demo-user', '确认', '{"error":"E_STATE_4471"}');
    expect(done.reply).toContain('已经发货');
    expect(done.reply).not.toContain('E_STATE_4471');
  } finally {
    shippedAfterWrite = false;
  }
});

it('an English customer gets Kefu\'s wording too, not the order system\'s', async () => {
  const done = await refusedWrite('please cancel order KF20261124004', 'demo-user', 'yes', '{"error":"ERR_4471: state machine rejected transition"}');
  expect(done.reply).toContain('did not go through');
  expect(done.reply).not.toMatch(/ERR_4471|state machine/);
});
