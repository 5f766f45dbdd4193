import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import { setResponseHeader } from './node-response.ts';

const UNSAFE = /[^\w\-=]/;
const MAX_LENGTH = 255;

/**
 * hono/request-id's behaviour (the client's `X-Request-Id` kept when it is a token of word
 * characters, `-` and `=` of at most 255 characters, a random UUID otherwise; `c.get('requestId')`
 * and the response header), with the header set on the Node response (./node-response.ts).
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let id = c.req.header('X-Request-Id');
    if (!id || id.length > MAX_LENGTH || UNSAFE.test(id)) id = randomUUID();
    c.set('requestId', id);
    setResponseHeader(c, 'x-request-id', id);
    await next();
  };
}
