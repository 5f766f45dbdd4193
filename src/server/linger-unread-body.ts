import type { Readable } from 'node:stream';
import type { MiddlewareHandler } from 'hono';
import { nodeRequest } from './node-request.ts';

/** Unread body bytes read and dropped before an answer; a body with more gets its answer at once. */
const LINGER_MAX_BYTES = 8 * 1024 * 1024;
/** How long an unread body may take to arrive before the answer goes out anyway. */
const LINGER_MAX_MS = 2000;

/**
 * Reads the rest of a request body the route did not read (a 413 decided from the declared
 * length, a 401, a 404, a HEAD that came with a body) before the answer is sent. Answered at once,
 * with the client's `Connection: close`, the unread rest made the kernel reset the connection, and
 * a client still writing its body got EPIPE or ECONNRESET before it read the answer
 * (`npm run fuzz:http` saw it in about one run in three, with 1 MB bodies). Read first, the
 * connection ends cleanly after the answer, as nginx's lingering close does; bounded by size (the
 * declared length, else the bytes read) and time, after which the answer goes out as before.
 */
export function lingerUnreadBody(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const incoming = nodeRequest(c.env);
    if (incoming === null || incoming.readableEnded || incoming.destroyed) return;
    if (incoming.headers['transfer-encoding'] === undefined) {
      const declared = Number(incoming.headers['content-length'] ?? 0);
      if (!(declared > 0 && declared <= LINGER_MAX_BYTES)) return;
    }
    await dropUntilEnd(incoming);
  };
}

/**
 * Reads `stream` and drops what it reads until it ends, fails or closes, LINGER_MAX_BYTES have
 * been read or LINGER_MAX_MS have passed, whichever comes first; then stops listening.
 */
export function dropUntilEnd(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    let read = 0;
    const done = (): void => {
      clearTimeout(timer);
      stream.off('data', count);
      stream.off('end', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    const count = (chunk: Buffer): void => {
      read += chunk.length;
      if (read > LINGER_MAX_BYTES) done();
    };
    const timer = setTimeout(done, LINGER_MAX_MS);
    timer.unref();
    stream.on('data', count);
    stream.on('end', done);
    stream.on('error', done);
    stream.on('close', done);
    stream.resume();
  });
}
