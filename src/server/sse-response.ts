import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
// The adapter's mark for a response the handler wrote itself. Made when the module loads, before
// serve() puts the adapter's own Response in place: one of those would be written out again.
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { nodeResponse } from './node-response.ts';

/** What the routes write a stream with: Hono's SSEStreamingApi, or the Node response directly. */
export interface SSEWriter {
  writeSSE(message: { data: string; event?: string; id?: string }): Promise<void>;
  onAbort(listener: () => void): void;
  readonly aborted: boolean;
}

/** An event as Hono's writeSSE formats it: each data line prefixed, a blank line after. */
function sseText(message: { data: string; event?: string; id?: string }): string {
  for (const key of ['event', 'id'] as const) {
    if (message[key] !== undefined && /[\r\n]/.test(message[key])) throw new Error(`${key} must not contain "\\r" or "\\n"`);
  }
  let text = message.event ? `event: ${message.event}\n` : '';
  for (const line of message.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  if (message.id !== undefined) text += `id: ${message.id}\n`;
  return `${text}\n`;
}

class NodeSSEWriter implements SSEWriter {
  #aborted = false;
  constructor(private readonly out: ServerResponse) {
    out.once('close', () => {
      if (!out.writableFinished) this.#aborted = true;
    });
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  onAbort(listener: () => void): void {
    this.out.once('close', () => {
      if (this.#aborted) listener();
    });
  }

  async writeSSE(message: { data: string; event?: string; id?: string }): Promise<void> {
    const text = sseText(message);
    if (this.#aborted || this.out.destroyed) return;
    if (this.out.write(text)) return;
    // A slow client: wait for the socket to take more, or to go away.
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }
}

/**
 * An SSE reply. Served by Node, written on the Node response: Hono's streamSSE passes every event
 * through a TransformStream and the adapter reads it back out of the web stream, about a sixth of
 * a streamed turn's CPU when each token is its own event (issue 16). Node alone manages the
 * connection (streamSSE's `Connection: keep-alive` overrode a client's `Connection: close`). The
 * headers the middleware set on the Node response go out with it, and `x-accel-buffering: no` so a
 * proxy (nginx) passes each event on at once. Without Node (`app.request`), through streamSSE, in
 * the same format.
 */
export function sseResponse(c: Context, run: (stream: SSEWriter) => Promise<void>): Response {
  const out = nodeResponse(c.env);
  if (out === null) {
    c.header('x-accel-buffering', 'no');
    const res = streamSSE(c, run);
    res.headers.delete('connection');
    return res;
  }
  out.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  // Sent now, not with the first event: that one waits for NLU and retrieval (issue 16.1).
  out.flushHeaders();
  const writer = new NodeSSEWriter(out);
  // The routes turn their own failures into an `error` event; what is left is a write to a socket gone.
  void run(writer)
    .catch(() => undefined)
    .finally(() => {
      if (!out.writableEnded) out.end();
    });
  return RESPONSE_ALREADY_SENT;
}
