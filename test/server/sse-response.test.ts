import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { sseResponse } from '../../src/server/sse-response.ts';

/**
 * An SSE reply written on the Node response carries the same bytes as Hono's streamSSE (which
 * `app.request`, without Node, still uses), with the headers set on the Node response before it.
 */
const EVENTS = [
  { event: 'delta', data: JSON.stringify({ text: 'line one' }) },
  { data: 'two\nlines\r\nand\rthree' },
  { event: 'done', data: '', id: '7' },
];

function app(): Hono {
  const a = new Hono();
  a.get('/sse', (c) =>
    sseResponse(c, async (stream) => {
      for (const e of EVENTS) await stream.writeSSE(e);
    }),
  );
  return a;
}

it('writes the same events as streamSSE, with the SSE headers', async () => {
  const a = app();
  const viaHono = await a.request('/sse');
  expect(viaHono.headers.get('x-accel-buffering')).toBe('no');
  const expected = await viaHono.text();
  expect(expected).toContain('event: delta\ndata: {"text":"line one"}\n\n');
  expect(expected).toContain('data: two\ndata: lines\ndata: and\ndata: three\n\n');

  const server = serve({ fetch: a.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sse`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(await res.text()).toBe(expected);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

it('refuses an event name or id with a line break, as streamSSE does', async () => {
  const a = new Hono();
  let thrown: unknown;
  a.get('/sse', (c) =>
    sseResponse(c, async (stream) => {
      try {
        await stream.writeSSE({ event: 'a\nb', data: 'x' });
      } catch (e) {
        thrown = e;
      }
    }),
  );
  const server = serve({ fetch: a.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sse`);
    expect(await res.text()).toBe('');
    expect(String(thrown)).toContain('event must not contain');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
