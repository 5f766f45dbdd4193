import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * The body limit decided from the Node request's headers (src/server/node-body-limit.ts): a
 * declared length over the limit and a chunked body that grows over it are both refused (the
 * knowledge-base upload: a chat turn has a larger limit, for pictures); bodies within it, declared
 * or chunked, are read and answered.
 */
function post(url: string, chunks: string[], declared: boolean, path = '/v1/chat'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const total = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
    const req = request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}`, ...(declared ? { 'content-length': String(total) } : {}) } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('request body limit over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ KEFU_MAX_BODY_BYTES: '4096' });
  }, 60_000);
  afterAll(() => server.destroy());

  const big = JSON.stringify({ id: 'big', title: 'Big', text: 'x'.repeat(8000) });
  const small = JSON.stringify({ message: 'hello' });

  it('refuses a declared length over the limit and a chunked body that grows over it', async () => {
    for (const declared of [true, false]) {
      const res = await post(server.url, [big.slice(0, 3000), big.slice(3000)], declared, '/v1/kb/documents');
      expect(`${declared} ${res.status} ${res.body}`).toMatch(`${declared} 413`);
      expect(res.body).toContain('payload_too_large');
    }
  });

  it('refuses a text-only chat turn over the text limit alike, declared or chunked (413, not 400)', async () => {
    // Within the chat route's larger limit (room for a picture), over the general one: a chunked body has no length up front.
    const turn = JSON.stringify({ message: 'x'.repeat(6000) });
    for (const declared of [true, false]) {
      const res = await post(server.url, [turn.slice(0, 3000), turn.slice(3000)], declared);
      expect(`${declared} ${res.status}`).toBe(`${declared} 413`);
      expect((JSON.parse(res.body) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('4096') });
    }
  });

  it('reads a body within the limit, declared or chunked', async () => {
    for (const declared of [true, false]) {
      const res = await post(server.url, [small.slice(0, 5), small.slice(5)], declared);
      expect(`${declared} ${res.status}`).toBe(`${declared} 200`);
      expect((JSON.parse(res.body) as { reply: string }).reply.length).toBeGreaterThan(0);
      const doc = JSON.stringify({ id: `small-${declared}`, title: 'Small', text: 'Gift cards never expire.' });
      expect((await post(server.url, [doc.slice(0, 9), doc.slice(9)], declared, '/v1/kb/documents')).status).toBe(201);
    }
  });
});
