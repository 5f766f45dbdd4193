import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';

/**
 * Hono's streamSSE answers `Connection: keep-alive`, which overrode a client's `Connection: close`
 * and held its socket for the keep-alive timeout after the stream ended: Node alone manages the
 * connection. Done here, on the streams, so other replies keep the lightweight response whose
 * headers an app-wide check would have turned into a web Headers object (issue 16.3).
 */
export function sseResponse(c: Context, run: (stream: SSEStreamingApi) => Promise<void>): Response {
  const res = streamSSE(c, run);
  res.headers.delete('connection');
  return res;
}
