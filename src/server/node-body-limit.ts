import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { nodeRequest } from './node-request.ts';

type BodyLimitOptions = Parameters<typeof bodyLimit>[0];

/**
 * Hono's bodyLimit, with its usual case decided from the Node request's own headers. Hono's reads
 * `c.req.raw.body` first, which built an undici Request and a web stream of the body for every
 * request, and the JSON was then read through them (issue 16); left alone, @hono/node-server
 * reads the body straight from the socket. A body with a Content-Length (and no
 * Transfer-Encoding) is judged by that length, as Hono's does; no body (GET, HEAD) passes; a
 * chunked body, and `app.request` without Node, go through Hono's bodyLimit, which counts it.
 */
export function nodeBodyLimit(options: BodyLimitOptions): MiddlewareHandler {
  const hono = bodyLimit(options);
  return async (c, next) => {
    const incoming = nodeRequest(c.env);
    if (incoming === null) return hono(c, next);
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = incoming.headers['content-length'];
    if (length === undefined || incoming.headers['transfer-encoding'] !== undefined) return hono(c, next);
    if (parseInt(length, 10) > options.maxSize) return options.onError === undefined ? hono(c, next) : options.onError(c);
    return next();
  };
}
