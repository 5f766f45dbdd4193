import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chunkReader } from '../../src/llm/chunk-reader.ts';
import { postStream } from '../../src/llm/post-stream.ts';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('chunkReader', () => {
  it('reads the chunks in order, then null at the end', async () => {
    const s = new PassThrough();
    const r = chunkReader(s);
    s.write('a');
    s.write('b');
    s.end('c');
    const got: string[] = [];
    for (let c = await r.next(); c !== null; c = await r.next()) got.push(c.toString());
    expect(got.join('')).toBe('abc');
    expect(await r.next()).toBeNull();
  });

  it('hands over every chunk that has arrived in one step, in order', async () => {
    const s = new PassThrough();
    const r = chunkReader(s);
    for (const c of ['data: a\n\n', 'data: b\n\n', 'data: c\n\n']) s.write(c);
    await tick();
    expect((await r.next())?.toString()).toBe('data: a\n\ndata: b\n\ndata: c\n\n');
    s.end('d');
    expect((await r.next())?.toString()).toBe('d');
    expect(await r.next()).toBeNull();
  });

  it('pauses the stream while highWaterBytes wait unread, and resumes as they are read', async () => {
    const s = new PassThrough();
    const r = chunkReader(s, 6);
    for (let i = 0; i < 5; i++) s.write(`c${i}`);
    await tick();
    expect(s.isPaused()).toBe(true);
    expect((await r.next())?.toString()).toBe('c0c1c2');
    expect(s.isPaused()).toBe(false);
    const rest: string[] = [];
    s.end();
    for (let c = await r.next(); c !== null; c = await r.next()) rest.push(c.toString());
    expect(rest.join('')).toBe('c3c4');
  });

  it('gives the chunks read before an error, then throws it', async () => {
    const s = new PassThrough();
    const r = chunkReader(s);
    s.write('before');
    await tick();
    s.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    expect((await r.next())?.toString()).toBe('before');
    await expect(r.next()).rejects.toMatchObject({ message: 'aborted', code: 'ECONNRESET' });
  });

  it('throws a premature close for a stream closed before its end without an error', async () => {
    const s = new PassThrough();
    const r = chunkReader(s);
    const pending = r.next();
    s.destroy();
    await expect(pending).rejects.toMatchObject({ message: 'Premature close', code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('releases an HTTP response mid-body: its listeners go and what is left drains, freeing the socket', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one');
      setTimeout(() => res.end('two'), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const res = await postStream(url, {}, '', new AbortController().signal);
      const r = chunkReader(res, 1);
      expect((await r.next())?.toString()).toBe('one');
      // 'two' arrives unread: at one byte of high water the response is paused.
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(res.isPaused()).toBe(true);
      const before = res.listenerCount('data');
      r.release();
      expect(res.listenerCount('data')).toBe(before - 1);
      await new Promise<void>((resolve) => res.once('end', resolve));
      expect(res.complete).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
