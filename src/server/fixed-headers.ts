import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { nodeResponse } from './node-response.ts';

/**
 * The headers every response carries, the same for every request: Hono's secureHeaders (less
 * the cross-origin resource and opener policies, which would stop the widget on shops' sites)
 * and, on the API, CORS.
 */
export const SECURE_HEADERS: readonly (readonly [string, string])[] = [
  ['origin-agent-cluster', '?1'],
  ['referrer-policy', 'no-referrer'],
  ['strict-transport-security', 'max-age=15552000; includeSubDomains'],
  ['x-content-type-options', 'nosniff'],
  ['x-dns-prefetch-control', 'off'],
  ['x-download-options', 'noopen'],
  ['x-frame-options', 'SAMEORIGIN'],
  ['x-permitted-cross-domain-policies', 'none'],
  ['x-xss-protection', '0'],
];

export const CORS_ALLOW_HEADERS = ['content-type', 'authorization', 'accept', 'idempotency-key', 'x-kefu-session-token', 'x-kefu-user-sig'];

const isApi = (path: string): boolean => path === '/v1' || path.startsWith('/v1/');

/**
 * Security headers on every response and CORS on `/v1/*`. Served by Node, the fixed ones are set
 * once on the Node response before the handler runs (Node merges them into the head the
 * handler's response writes), not through `c.res.headers`: Hono's cors and secureHeaders touch
 * `c.res` before the handler answers, which made Hono copy the handler's response into an undici
 * Response with its headers, on every request (issue 16: 6% of a cache-hit turn's CPU). Preflights,
 * a configured origin list (its answer depends on the origin, with `Vary`) and `app.request`
 * without Node use Hono's middleware as before.
 */
export function fixedHeaders(corsOrigins: readonly string[]): MiddlewareHandler {
  const anyOrigin = corsOrigins.length === 0;
  const honoSecure = secureHeaders({ crossOriginResourcePolicy: false, crossOriginOpenerPolicy: false });
  const honoCors = cors({ origin: anyOrigin ? '*' : [...corsOrigins], allowHeaders: CORS_ALLOW_HEADERS, maxAge: 600 });
  return async (c, next) => {
    const api = isApi(c.req.path);
    const out = nodeResponse(c.env);
    if (out === null || (api && (!anyOrigin || c.req.method === 'OPTIONS'))) {
      await honoSecure(c, async () => {
        if (!api) return next();
        // A preflight's answer is cors's return value, which compose would otherwise have taken.
        const res = await honoCors(c, next);
        if (res instanceof Response && !c.finalized) c.res = res;
      });
      return;
    }
    for (const [name, value] of SECURE_HEADERS) out.setHeader(name, value);
    if (api) out.setHeader('access-control-allow-origin', '*');
    await next();
  };
}
