import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Issue 16.1: a streamed reply's headers go out as soon as the session is open, not with the first
 * event, which waits for NLU and retrieval. The model here understands the message (KEFU_NLU=llm)
 * and holds every call until the test has seen the headers: headers sent with the first event
 * would wait for the NLU's 3 s timeout, and the test fails on its 2 s timer.
 */
let backend: { url: string; held: number; release(): void; close(): Promise<void> };
let server: TestServer;

/** An OpenAI-compatible server that holds every completion until `release()`, then answers 503. */
function heldBackend(): Promise<typeof backend> {
  const waiting: ServerResponse[] = [];
  let released = false;
  const refuse = (res: ServerResponse): void => void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"busy"}}');
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[{"id":"held","object":"model"}]}');
      if (released) return refuse(res);
      waiting.push(res);
      state.held += 1;
    });
  });
  const state = {
    url: '',
    held: 0,
    release() {
      released = true;
      for (const res of waiting.splice(0)) refuse(res);
    },
    close: () => new Promise<void>((r) => {
      http.closeAllConnections();
      http.close(() => r());
    }),
  };
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => {
    state.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`;
    resolve(state);
  }));
}

beforeAll(async () => {
  backend = await heldBackend();
  server = await startTestServer({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: backend.url, KEFU_NLU: 'llm', KEFU_LLM_LATENCY_BUDGET_MS: '0' });
}, 30_000);
afterAll(async () => {
  await server?.destroy();
  await backend?.close();
});

it('sends the SSE headers while the turn is still being understood', async () => {
  const res = await Promise.race([
    fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ message: '退货政策是什么?' }) }),
    // The LLM NLU gives the held model 3 s before it falls back to the embedded one: headers sent
    // with the first event could not come before that.
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no headers within 2 s while the model held the NLU call')), 2_000)),
  ]);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  // The turn goes on to ask the model, which holds it: the headers did not wait for the turn.
  for (let i = 0; i < 100 && backend.held === 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(backend.held).toBeGreaterThan(0);
  backend.release();
  const body = await res.text();
  expect(body).toMatch(/^event: sources$/m);
  expect(body).toMatch(/^event: done$/m);
}, 30_000);
