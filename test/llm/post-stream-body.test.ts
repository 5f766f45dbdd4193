import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postStream, readText } from '../../src/llm/post-stream.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The model client reads a response body from undici's data callbacks, a batch of what has arrived at a time. */
describe('postStream response bodies', () => {
  let server: Server;
  let base: string;
  let connections = 0;
  const routes: Record<string, (res: ServerResponse) => void> = {
    // Three SSE events, each its own chunk of the chunked encoding, written at once.
    '/together': (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const e of ['data: a\n\n', 'data: b\n\n', 'data: c\n\n']) res.write(e);
      res.end();
    },
    '/apart': (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one');
      setTimeout(() => res.end('two'), 30);
    },
    // A megabyte in 1 KiB chunks: more than the reader lets wait unread, so it is paused and resumed.
    '/large': (res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 1024; i++) res.write(Buffer.alloc(1024, i % 251));
      res.end();
    },
    '/broken': (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: before\n\n');
      setTimeout(() => res.socket?.destroy(), 30);
    },
    '/retry-after': (res) => {
      res.writeHead(503, { 'retry-after': '7', 'content-type': 'text/plain' });
      res.end('busy');
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => routes[req.url ?? '']?.(res));
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (path: string, signal = new AbortController().signal) => postStream(`${base}${path}`, { 'content-type': 'application/json' }, '{}', signal);

  it('hands over the chunks that arrived together in one step, in order, then null at the end', async () => {
    const res = await post('/together');
    expect(res.status).toBe(200);
    expect(res.header('content-type')).toBe('text/event-stream');
    await sleep(30);
    expect((await res.next())?.toString()).toBe('data: a\n\ndata: b\n\ndata: c\n\n');
    expect(await res.next()).toBeNull();
    expect(res.complete).toBe(true);
  });

  it('waits for what has not arrived yet', async () => {
    const res = await post('/apart');
    const got: string[] = [];
    for (let c = await res.next(); c !== null; c = await res.next()) got.push(c.toString());
    expect(got).toEqual(['one', 'two']);
  });

  it('gives a body larger than its high water whole and in order to a slow reader', async () => {
    const res = await post('/large');
    const parts: Buffer[] = [];
    for (let c = await res.next(); c !== null; c = await res.next()) {
      parts.push(c);
      await sleep(1);
    }
    const all = Buffer.concat(parts);
    expect(all.length).toBe(1024 * 1024);
    for (let i = 0; i < 1024; i += 97) expect(all[i * 1024]).toBe(i % 251);
  });

  it('gives the bytes read before a broken connection, then throws', async () => {
    const res = await post('/broken');
    expect((await res.next())?.toString()).toBe('data: before\n\n');
    await expect(res.next()).rejects.toThrow();
    expect(res.complete).toBe(false);
  });

  it('reads headers of a rejected answer and its text', async () => {
    const res = await post('/retry-after');
    expect(res.status).toBe(503);
    expect(res.header('retry-after')).toBe('7');
    expect(await readText(res)).toBe('busy');
  });

  it('released mid-body, drops the rest as it arrives and keeps the connection for the next request', async () => {
    const before = connections;
    const res = await post('/apart');
    expect((await res.next())?.toString()).toBe('one');
    res.release();
    await sleep(60);
    expect(res.complete).toBe(true);
    const again = await post('/together');
    await readText(again);
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('aborted mid-body, stops the exchange: the reader throws', async () => {
    const ctrl = new AbortController();
    const res = await post('/apart', ctrl.signal);
    expect((await res.next())?.toString()).toBe('one');
    ctrl.abort();
    await expect(res.next()).rejects.toThrow();
  });

  it('aborted before it is sent, rejects', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(post('/together', ctrl.signal)).rejects.toThrow();
  });
});
