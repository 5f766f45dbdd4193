import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeRequest, sendRaw } from '../fuzz/raw-http.ts';
import { ADMIN_KEY, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Found by `npm run fuzz:http`: Hono's streamSSE answers `Connection: keep-alive`, which made Node
 * keep the socket of a client that asked for `Connection: close` open for its keep-alive timeout
 * (about 6 s) after the stream had ended. Node alone decides what happens to the connection.
 */
let server: TestServer;
let port: number;
beforeAll(async () => {
  server = await startTestServer({ KEFU_RATE_LIMIT_PER_MINUTE: '1000' });
  port = Number(new URL(server.url).port);
});
afterAll(async () => server?.destroy());

it('closes a streamed reply at its end when the client asked for Connection: close', async () => {
  const made = await fetch(`${server.url}/v1/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'app', role: 'channel' }) });
  const key = ((await made.json()) as { key: string }).key;
  // The first turn loads the language tools; time the later ones.
  expect((await fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: '你好' }) })).status).toBe(200);
  for (const [target, body] of [['/v1/chat', { message: '你好', stream: true }], ['/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], stream: true, user: 'u1' }]] as const) {
    const json = Buffer.from(JSON.stringify(body));
    const res = await sendRaw(port, encodeRequest({ method: 'POST', target, headers: [['Authorization', `Bearer ${key}`], ['Content-Type', 'application/json']], body: json, contentLength: 'auto' }), 10_000);
    if (res.kind !== 'response') throw new Error(res.reason);
    expect(res.status, target).toBe(200);
    expect(res.headers['connection'], target).not.toBe('keep-alive');
    // The whole stream and the close: a turn without a model, well under Node's keep-alive timeout.
    expect(res.ms, target).toBeLessThan(3000);
  }
});
