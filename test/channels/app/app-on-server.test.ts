import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KefuClient } from '../../../sdk/kefu-client.ts';
import { startTestServer, type TestServer } from '../../support/start-test-server.ts';

/** `npm start` serves the app channel on the same port: the SDK talks to it with no extra setup. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.destroy());

it('answers over /v1/ws of the standard server', async () => {
  const client = new KefuClient({ url: `${server.url.replace(/^http/, 'ws')}/v1/ws`, WebSocket, reconnect: false });
  const { sessionId } = await client.connect();
  expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
  const reply = await client.ask('How long does shipping take?');
  expect(reply.reply.length).toBeGreaterThan(0);
  expect(reply.session_id).toBe(sessionId);
  client.close();
});
