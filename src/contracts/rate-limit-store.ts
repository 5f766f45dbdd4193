import type { Env } from 'hono';
import type { Store } from 'hono-rate-limiter';

/**
 * Where the HTTP and WebSocket limiters count hits: hono-rate-limiter's `Store` (its memory
 * store on one node, Redis across nodes) plus a close for the connection the store owns.
 */
export interface RateLimitStore<E extends Env = Env> extends Store<E> {
  close(): Promise<void>;
}
