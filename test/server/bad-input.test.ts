import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

interface ErrorBody {
  error: { code: string; message: string };
}

async function expectError(res: Response, status: number, code: string): Promise<ErrorBody> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  return body;
}

describe('bad input gets a clear 4xx and stores nothing', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ KEFU_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await server.destroy();
  });
  const chat = (body: unknown) => postJson(`${server.url}/v1/chat`, body);

  it('rejects an empty or blank message', async () => {
    await expectError(await chat({ message: '' }), 400, 'empty_message');
    await expectError(await chat({ message: '   \n ' }), 400, 'empty_message');
  });

  it('rejects a 100 KB message at the body limit', async () => {
    await expectError(await chat({ message: 'x'.repeat(100 * 1024) }), 413, 'payload_too_large');
  });

  it('rejects a message over the character limit', async () => {
    await expectError(await chat({ message: '退'.repeat(2001) }), 400, 'message_too_long');
  });

  it('rejects invalid JSON', async () => {
    const res = await fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message": "hi",' });
    await expectError(res, 400, 'invalid_json');
  });

  it('rejects a body that is not JSON', async () => {
    const res = await fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    await expectError(res, 400, 'unsupported_media_type');
  });

  it('rejects wrong types with the field named', async () => {
    const body = await expectError(await chat({ message: 42 }), 400, 'invalid_request');
    expect(body.error.message).toContain('message');
    await expectError(await chat({ message: 'hi', stream: 'yes' }), 400, 'invalid_request');
    await expectError(await chat({ message: 'hi', channel: 'fax' }), 400, 'invalid_request');
    await expectError(await chat([1, 2]), 400, 'invalid_request');
  });

  it('rejects an unknown or malformed session id', async () => {
    await expectError(await chat({ message: 'hi', session_id: 'no-such-session' }), 404, 'session_not_found');
    await expectError(await chat({ message: 'hi', session_id: 'bad id with spaces' }), 400, 'invalid_session_id');
    const sse = await postJson(`${server.url}/v1/chat`, { message: 'hi', session_id: 'no-such-session', stream: true });
    await expectError(sse, 404, 'session_not_found');
  });

  it('answers unknown routes and bad KB queries with JSON errors', async () => {
    await expectError(await fetch(`${server.url}/v1/nope`), 404, 'not_found');
    await expectError(await fetch(`${server.url}/v1/kb/search`), 400, 'missing_query');
    await expectError(await fetch(`${server.url}/v1/kb/search?q=refund&k=0`), 400, 'invalid_k');
  });

  it('protects KB writes with the admin key and validates documents', async () => {
    const doc = { id: 'test-doc-1', title: 'Pet carrier rental', text: 'Our Shanghai showroom lends pet carriers for free for up to 3 days.' };
    await expectError(await postJson(`${server.url}/v1/kb/documents`, doc), 401, 'unauthorized');
    const auth = { authorization: `Bearer ${ADMIN_KEY}` };
    await expectError(await postJson(`${server.url}/v1/kb/documents`, { id: 'x' }, auth), 400, 'invalid_request');
    const ok = await postJson(`${server.url}/v1/kb/documents`, doc, auth);
    expect(ok.status).toBe(201);
    const search = (await (await fetch(`${server.url}/v1/kb/search?q=pet%20carrier%20rental&k=3`)).json()) as { results: { docId: string }[] };
    expect(search.results[0]!.docId).toBe('test-doc-1');
  });

  it('stored nothing for the rejected requests', async () => {
    const res = await fetch(`${server.url}/v1/sessions/no-such-session`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(404);
  });
});

describe('rate limiting', () => {
  it('answers 429 with rate_limited once a client exceeds its budget', async () => {
    const server = await startTestServer({ KEFU_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      for (let i = 0; i < 3; i++) expect((await postJson(`${server.url}/v1/chat`, { message: '你好' })).status).toBe(200);
      await expectError(await postJson(`${server.url}/v1/chat`, { message: '你好' }), 429, 'rate_limited');
      // Health checks are not rate limited.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.destroy();
    }
  });
});
