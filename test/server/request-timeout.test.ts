import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { rawClient } from '../channels/app/app-harness.ts';
import { startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Slow clients: a body (or headers) trickled a byte at a time must not hold a connection for
 * minutes (Node's default requestTimeout is 300 s). Real sockets against the real server.
 */
const TIMEOUT_S = 1;

/** Writes `head`, then one byte of `trickle` every 200 ms; resolves with what the server said and when it hung up. */
function trickle(url: string, head: string, tail: string): Promise<{ answer: string; closedAfterMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname);
    const started = Date.now();
    let answer = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < tail.length && !socket.destroyed) socket.write(tail[i++]!);
    }, 200);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (d) => (answer += d.toString('utf8')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the connection was still open after 8 s; the server said: ${JSON.stringify(answer)}`));
    }, 8000);
  });
}

describe('request read timeout', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ KEFU_REQUEST_TIMEOUT_SECONDS: String(TIMEOUT_S) });
  });
  afterAll(async () => {
    await server.destroy();
  });

  it('defaults to 30 s and is read from KEFU_REQUEST_TIMEOUT_SECONDS', () => {
    expect(loadConfig({ KEFU_LLM: 'none' }).requestTimeoutMs).toBe(30_000);
    expect(loadConfig({ KEFU_LLM: 'none', KEFU_REQUEST_TIMEOUT_SECONDS: '10' }).requestTimeoutMs).toBe(10_000);
    expect(() => loadConfig({ KEFU_LLM: 'none', KEFU_REQUEST_TIMEOUT_SECONDS: '0' })).toThrow(/KEFU_REQUEST_TIMEOUT_SECONDS/);
  });

  it('a body trickled a byte at a time gets 408 and the connection is closed within the limit', async () => {
    const body = JSON.stringify({ message: `${'你好'.repeat(50)}` });
    const head = `POST /v1/chat HTTP/1.1\r\nHost: kefu\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const { answer, closedAfterMs } = await trickle(server.url, head, body);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // The limit, plus Node's check interval (a fraction of it), plus slack for a busy machine.
    expect(closedAfterMs).toBeLessThan(TIMEOUT_S * 1000 + 2500);
    expect(closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 50);
  });

  it('headers trickled a byte at a time are cut off the same way', async () => {
    const { answer, closedAfterMs } = await trickle(server.url, 'GET /healthz HTTP/1.1\r\n', `Host: kefu\r\nX-Slow: ${'a'.repeat(100)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(TIMEOUT_S * 1000 + 2500);
  });

  it('an app WebSocket stays open past the limit: the timeout is on reading a request, not on a connection', async () => {
    const client = await rawClient(`${server.url.replace(/^http/, 'ws')}/v1/ws`);
    try {
      client.send({ type: 'hello' });
      await client.next((e) => e.type === 'ready');
      await new Promise((r) => setTimeout(r, TIMEOUT_S * 1000 + 1500));
      client.send({ type: 'ping' });
      expect(await client.next((e) => e.type === 'pong')).toEqual({ type: 'pong' });
    } finally {
      client.ws.close();
    }
  });
});
