import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRequest, sendRaw, type RawRequest } from '../fuzz/raw-http.ts';
import { startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Requests Node's HTTP parser refuses before Kefu's routes see them (found by `npm run fuzz:http`):
 * they too get `{error:{code,message}}`, not Node's bare status line.
 */
let server: TestServer;
let port: number;
beforeAll(async () => {
  server = await startTestServer();
  port = Number(new URL(server.url).port);
});
afterAll(async () => server?.destroy());

const send = async (r: Partial<RawRequest>) => {
  const res = await sendRaw(port, encodeRequest({ method: 'GET', target: '/healthz', headers: [], body: new Uint8Array(), contentLength: 'none', ...r }), 10_000);
  if (res.kind !== 'response') throw new Error(res.reason);
  return { status: res.status, type: res.headers['content-type'], body: JSON.parse(res.body.toString('utf8')) as { error: { code: string; message: string } } };
};

describe('requests the HTTP parser refuses', () => {
  it('answers oversized headers with 431 and a JSON error', async () => {
    const res = await send({ headers: [['X-Big', 'a'.repeat(20_000)]] });
    expect(res.status).toBe(431);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe('headers_too_large');
  });

  it('answers an unknown method, a broken chunked body, a smuggling attempt and a target that is no URL with 400 and a JSON error', async () => {
    for (const r of [
      { method: 'FOO' },
      { method: 'POST', target: '/v1/chat', headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']] as [string, string][], body: Buffer.from('zz\r\n{}\r\n0\r\n\r\n') },
      { method: 'POST', target: '/v1/chat', headers: [['Transfer-Encoding', 'chunked']] as [string, string][], body: Buffer.from('2\r\n{}\r\n0\r\n\r\n'), contentLength: 9 },
    ]) {
      const res = await send(r);
      expect(res.status, r.method).toBe(400);
      expect(res.body.error).toEqual({ code: 'bad_request', message: expect.any(String) });
    }
    // Targets Node accepts but no URL can be made of: asterisk form, authority form, a backslash path.
    for (const target of ['*', 'example.com:443', '/v1\\..\\chat']) {
      const res = await send({ target });
      expect(res.status, target).toBe(400);
      expect(res.body.error.code, target).toBe('bad_request');
    }
    // The server is unharmed.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('reads what the client still sends after the answer, so the connection ends cleanly', async () => {
    // Closed at once, the unread rest of the body reset the connection: a client still writing
    // lost the answer to ECONNRESET (npm run fuzz:http: a lower-case method with a 1 MB body).
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    await new Promise((resolve) => socket.once('connect', resolve));
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    const errors: string[] = [];
    socket.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));
    socket.write(`get /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 30000\r\n\r\n${'x'.repeat(10_000)}`);
    await pause();
    expect(got).toMatch(/^HTTP\/1\.1 400 /);
    // The server has answered and half-closed; the rest of the body still arrives, and is read.
    socket.write('x'.repeat(10_000));
    await pause();
    socket.write('x'.repeat(10_000));
    await pause();
    socket.end();
    await closed;
    expect(errors).toEqual([]);
    expect(got).toContain('bad_request');
  });
});

describe('a client that breaks off its own body', () => {
  it('is a client error in the metrics and the log, not an internal one', async () => {
    // Chunks the parser refuses halfway: the route reading the body sees the request aborted.
    const body = Buffer.from('8\r\n{"messag\r\nzz\r\ne":"hi"}\r\n0\r\n\r\n');
    for (const target of ['/v1/chat', '/v1/events', '/channels/unknown']) {
      await send({ method: 'POST', target, headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']], body });
    }
    await new Promise((r) => setTimeout(r, 200));
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).not.toMatch(/kefu_errors_total\{code="internal_error"\}/);
    expect(metrics).toMatch(/kefu_errors_total\{code="client_closed_request"\} [1-9]/);
  });
});
