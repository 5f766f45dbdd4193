import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY, DEMO_NOW, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** A resent message (same client_message_id) is one turn: answered once, stored once. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, undefined, { now: () => DEMO_NOW });
});
afterAll(async () => server?.destroy());

it('answers a resend from the transcript and never stores the turn twice', async () => {
  const send = async (message: string, session: string | undefined, id: string) =>
    (await (await postJson(`${server.url}/v1/chat`, { message, user_id: 'demo-user', client_message_id: id, ...(session ? { session_id: session } : {}) })).json()) as { session_id: string; message_id: string; reply: string; replayed?: boolean; flow?: { step: string } };
  const first = await send('帮我取消订单 KF20261124004', undefined, 'm1');
  const confirm = await send('确认', first.session_id, 'm2');
  expect(confirm.flow?.step).toBe('done');
  // The network broke after the order was cancelled; the client sends "确认" again.
  const again = await send('确认', first.session_id, 'm2');
  expect(again).toMatchObject({ message_id: confirm.message_id, reply: confirm.reply, replayed: true });
  const t = (await (await fetch(`${server.url}/v1/sessions/${first.session_id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { messages: { role: string }[] };
  expect(t.messages.filter((m) => m.role === 'user')).toHaveLength(2);
  expect(t.messages.filter((m) => m.role === 'assistant')).toHaveLength(2);
});
