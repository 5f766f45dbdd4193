import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { getRequestListener, RequestError } from '@hono/node-server';
import { dropUntilEnd } from './linger-unread-body.ts';

/**
 * Requests refused before any route runs get the same `{error:{code,message}}` as every other
 * refusal (found by `npm run fuzz:http`; both answered with a bare status line before):
 * - Node's HTTP parser: headers over 16 KB, an unknown method, a malformed chunked body, both
 *   Content-Length and Transfer-Encoding, a request that outlived its timeout. The connection is
 *   closed after the answer: the parser can no longer trust it.
 * - Hono's adapter: a target no URL can be made of (`*`, `host:port`, a backslash path, a bad Host).
 * Nothing of the request is echoed.
 */
type Reply = [status: number, reason: string, code: string, message: string];
const PARSER_REPLIES: Record<string, Reply> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'headers_too_large', 'The request headers are too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', 'payload_too_large', 'The chunk extensions are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'request_timeout', 'The request did not arrive in time'],
};
const BAD_REQUEST: Reply = [400, 'Bad Request', 'bad_request', 'The request is not valid HTTP/1.1'];

export function replyToClientError(err: Error & { code?: string }, socket: Duplex & { bytesWritten?: number }): void {
  // A reset or a half-sent response has no one left to read an answer.
  if (err.code !== 'ECONNRESET' && socket.writable && (socket.bytesWritten ?? 0) === 0) {
    const [status, reason, code, message] = PARSER_REPLIES[err.code ?? ''] ?? BAD_REQUEST;
    const body = JSON.stringify({ error: { code, message } });
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    closeAfterReading(socket);
    return;
  }
  socket.destroy();
}

/**
 * Half-closes after the answer and reads what the client still sends (the rest of a body behind a
 * refused request line) for up to 2 s or 8 MB (`dropUntilEnd`), then closes. Closed at once,
 * the unread bytes made the kernel reset the connection, and a client still writing lost the
 * answer to ECONNRESET (`npm run fuzz:http`: an unknown method with a 1 MB body).
 */
function closeAfterReading(socket: Duplex): void {
  // The HTTP parser's reader goes: it has refused this connection, and what follows is dropped.
  socket.removeAllListeners('data');
  socket.end();
  void dropUntilEnd(socket).then(() => socket.destroy());
}

const json = (status: number, code: string, message: string) => new Response(JSON.stringify({ error: { code, message } }), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

/**
 * Takes over `server`'s requests with Hono's listener given an error handler (createAdaptorServer
 * offers no way to pass one), and answers the parser's refusals.
 */
export function answerMalformedRequests(server: Server, fetch: (request: Request) => Response | Promise<Response>, hostname: string): void {
  server.on('clientError', replyToClientError);
  server.removeAllListeners('request');
  server.on(
    'request',
    getRequestListener(fetch, {
      hostname,
      // Hono's app answers everything it is given (its onError included): what reaches here is a
      // request that never became one, or a failure of the adapter itself.
      errorHandler: (err) => (err instanceof RequestError ? json(400, 'bad_request', 'The request target or Host header is not a valid URL') : json(500, 'internal_error', 'Internal server error')),
    }),
  );
}
