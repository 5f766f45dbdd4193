import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY, postJson, type TestServer } from '../support/start-test-server.ts';
import { type KefuBehindOrderProxy, relayRead, startKefuBehindOrderProxy } from '../support/kefu-behind-order-proxy.ts';

/**
 * The merchant's order system answers reads but fails writes (503): the confirmed write is retried
 * by the connector, then becomes a `failed_action` ticket so a person completes it, and the
 * customer is told so instead of seeing an error.
 */
let rig: KefuBehindOrderProxy;
let server: TestServer;
let writes = 0;

beforeAll(async () => {
  rig = await startKefuBehindOrderProxy((req, res, upstream) => {
    if (req.method !== 'GET') {
      writes++;
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"maintenance","message":"down for maintenance"}}');
      return;
    }
    relayRead(req, res, upstream);
  });
  server = rig.server;
});
afterAll(async () => {
  await rig?.close();
});

it('a confirmed write the order system cannot take becomes a ticket', async () => {
  const first = (await (await postJson(`${server.url}/v1/chat`, { message: '帮我取消订单 KF20261124004', user_id: 'demo-user' })).json()) as { session_id: string; flow: { step: string } };
  expect(first.flow.step).toBe('confirm');
  const done = (await (await postJson(`${server.url}/v1/chat`, { message: '确认', session_id: first.session_id, user_id: 'demo-user' })).json()) as { reply: string; flow: { step: string } };
  expect(done.flow.step).toBe('done');
  expect(done.reply).toContain('登记工单');
  expect(writes).toBe(3); // the first try and two retries, all with one idempotency key
  const until = Date.now() + 5000;
  for (;;) {
    const { tickets } = (await (await fetch(`${server.url}/v1/tickets`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { tickets: { kind: string; session_id: string }[] };
    if (tickets.some((t) => t.kind === 'failed_action' && t.session_id === first.session_id)) break;
    if (Date.now() > until) throw new Error('no failed_action ticket');
    await new Promise((r) => setTimeout(r, 50));
  }
});
