import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_NOW, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** With KEFU_USER_ID_SECRET set, nobody can read another customer's orders by naming their id. */
const SECRET = 'shop-backend-secret-0123456789';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ KEFU_USER_ID_SECRET: SECRET }, undefined, { now: () => DEMO_NOW });
});
afterAll(async () => server?.destroy());

it('refuses unsigned and wrongly signed user ids, accepts the shop-signed one', async () => {
  const unsigned = await postJson(`${server.url}/v1/chat`, { message: '我的订单到哪了', user_id: 'demo-user' });
  expect(unsigned.status).toBe(401);
  expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('user_signature_required');

  const forged = await postJson(`${server.url}/v1/chat`, { message: '我的订单到哪了', user_id: 'demo-user', user_sig: createHmac('sha256', 'wrong').update('demo-user').digest('hex') });
  expect(forged.status).toBe(401);

  const sig = createHmac('sha256', SECRET).update('demo-user').digest('hex');
  const ok = await postJson(`${server.url}/v1/chat`, { message: '昨天下的单到哪了', user_id: 'demo-user', user_sig: sig });
  expect(ok.status).toBe(200);
  expect(((await ok.json()) as { reply: string }).reply).toContain('KF20261123002');

  // Anonymous customers still chat; order flows then ask for an order number.
  const anon = await postJson(`${server.url}/v1/chat`, { message: '你好' });
  expect(anon.status).toBe(200);
});
