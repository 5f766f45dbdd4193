import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postStream, readText } from '../../src/llm/post-stream.ts';

/**
 * A model server that drops idle keep-alive connections (llama-server does) must not look down:
 * the conformance run failed over from a live llama-server after "socket hang up" on a pooled
 * socket. This server resets the second request on any connection, as a server that closed the
 * socket just as the client reused it.
 */
describe('postStream on a pooled socket the server has closed', () => {
  let server: Server;
  let url: string;
  const served = new WeakMap<Socket, number>();
  let resets = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      if (n > 1) {
        resets += 1;
        req.socket.destroy();
        return;
      }
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the request again on a fresh socket instead of failing', async () => {
    const signal = new AbortController().signal;
    const first = await postStream(url, { 'content-type': 'application/json' }, '{}', signal);
    expect(await readText(first)).toBe('ok');
    // Let the finished response hand its socket back to the pool.
    await new Promise((r) => setTimeout(r, 20));
    const second = await postStream(url, { 'content-type': 'application/json' }, '{}', signal);
    expect(await readText(second)).toBe('ok');
    expect(resets).toBe(1);
  });
});
