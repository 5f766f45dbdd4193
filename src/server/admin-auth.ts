import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { KefuError } from '../errors.ts';

export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** Bearer-token check against the stored hash of the admin key (the key itself is never stored). */
export function adminAuth(adminKeyHash: string): MiddlewareHandler {
  const expected = Buffer.from(adminKeyHash, 'hex');
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match === null) throw new KefuError('unauthorized', 'Missing Authorization: Bearer <admin key>', { status: 401 });
    const given = Buffer.from(hashKey(match[1]!.trim()), 'hex');
    if (!timingSafeEqual(given, expected)) throw new KefuError('forbidden', 'Invalid admin key', { status: 403 });
    await next();
  };
}
