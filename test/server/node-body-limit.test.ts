import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * The body limit decided from the Node request's headers (src/server/node-body-limit.ts), and a
 * body left unread read before the answer (src/server/linger-unread-body.ts): a
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

/** A raw connection that collects what the server sends and how the connection ended. */
function rawClient(url: string): Promise<{ socket: Socket; received: () => string; ended: Promise<string> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      let got = '';
      socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
      const ended = new Promise<string>((settle) => {
        socket.on('end', () => settle('end'));
        socket.on('error', (e: NodeJS.ErrnoException) => settle(e.code ?? e.message));
      });
      resolve({ socket, received: () => got, ended });
    });
    socket.once('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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

  it('reads a refused body to its end before answering, so the connection ends cleanly', async () => {
    // Answered at once and closed, the unread rest reset the connection: a client still writing
    // got EPIPE or ECONNRESET before it could read the 413 (npm run fuzz:http, 1 MB bodies).
    const body = Buffer.from(JSON.stringify({ id: 'big', title: 'Big', text: 'x'.repeat(60_000) }));
    const client = await rawClient(server.url);
    client.socket.write(`POST /v1/kb/documents HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Length: ${body.length}\r\n\r\n`);
    client.socket.write(body.subarray(0, 30_000));
    await sleep(300);
    expect(client.received()).toBe('');
    client.socket.write(body.subarray(30_000));
    expect(await client.ended).toBe('end');
    expect(client.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(client.received()).toContain('payload_too_large');
  });

  it('reads the body of any answer given without it (a HEAD with a body, no key) before that answer', async () => {
    const body = Buffer.from(JSON.stringify({ message: 'x'.repeat(3000) }));
    for (const [method, auth] of [['HEAD', `Authorization: Bearer ${ADMIN_KEY}\r\n`], ['POST', '']] as const) {
      const client = await rawClient(server.url);
      client.socket.write(`${method} /v1/handoffs/none/resolve HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n${auth}Content-Length: ${body.length}\r\n\r\n`);
      client.socket.write(body.subarray(0, 1000));
      await sleep(200);
      expect(`${method} ${client.received()}`).toBe(`${method} `);
      client.socket.write(body.subarray(1000));
      expect(await client.ended).toBe('end');
      expect(client.received()).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
  });

  it('answers a refused body too large to read at once, without waiting for it', async () => {
    const client = await rawClient(server.url);
    client.socket.write(`POST /v1/kb/documents HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n`);
    await client.ended;
    expect(client.received()).toMatch(/^HTTP\/1\.1 413 /);
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
