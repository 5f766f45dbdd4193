import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postStream } from '../../src/llm/post-stream.ts';

/**
 * A turn aborts its model signal when it is done with the reply, which can be after the model's
 * response has fully arrived but before Node has emitted its 'close': that abort destroyed the
 * pooled socket, so every KB turn opened a new connection to the model server (issue 16: 12% of a
 * KB turn's CPU in connect). A complete response is left to the pool whatever the signal does.
 */
describe('postStream keeps a finished connection for the next request', () => {
  let server: Server;
  let url: string;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('data: hello\n\ndata: [DONE]\n\n');
      });
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Reads until [DONE] is seen, not to the stream's end, then drains and aborts, as the model client and its caller do. */
  async function askThenAbort(): Promise<void> {
    const ctrl = new AbortController();
    const res = await postStream(url, { 'content-type': 'application/json' }, '{}', ctrl.signal);
    let text = '';
    while (!text.includes('[DONE]')) {
      const next = await res.next();
      if (next === null) break;
      text += next.toString();
    }
    res.release();
    ctrl.abort();
  }

  it('an abort after the whole response arrived does not close the socket', async () => {
    for (let i = 0; i < 4; i++) {
      await askThenAbort();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(connections).toBe(1);
  });
});
