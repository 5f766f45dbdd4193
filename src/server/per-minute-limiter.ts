import type { Context, MiddlewareHandler } from 'hono';
import { type HonoConfigType, MemoryStore, type Store } from 'hono-rate-limiter';
import type { RateLimitStore } from '../contracts/rate-limit-store.ts';
import { KefuError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import { setResponseHeader } from './node-response.ts';

const WINDOW_MS = 60_000;
const WINDOW_SECONDS = Math.ceil(WINDOW_MS / 1000);

/** Whole seconds until `resetTime`, as hono-rate-limiter counts them. */
const secondsUntil = (resetTime: Date | undefined): number | undefined => (resetTime === undefined ? undefined : Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000)));

/**
 * `limit` requests per minute per key, counted in `store` (hono-rate-limiter's `Store`: Redis
 * across nodes) or in a memory store of its own: hono-rate-limiter's middleware as Kefu configured
 * it (draft-6 `RateLimit-*` headers, `Retry-After` and a 429 `rate_limited` over the limit, every
 * request counted), with the headers set on the Node response (./node-response.ts) rather than
 * through `c.header`, which keeps a web `Headers` object for every answer (issue 16).
 */
export function perMinuteLimiter(options: { store?: RateLimitStore<AppEnv>; limit: number; keyGenerator: (c: Context<AppEnv>) => string }): MiddlewareHandler<AppEnv> {
  const { limit, keyGenerator } = options;
  const store: Store<AppEnv> = options.store ?? new MemoryStore<AppEnv>();
  // The stores read the window from the limiter's configuration (the Redis store's key TTL).
  store.init?.({ windowMs: WINDOW_MS, limit, standardHeaders: 'draft-6', keyGenerator, store } as HonoConfigType<AppEnv>);
  const policy = `${limit};w=${WINDOW_SECONDS}`;
  const limitText = String(limit);
  return async (c, next) => {
    const { totalHits, resetTime } = await store.increment(keyGenerator(c));
    if (!c.finalized) {
      const reset = secondsUntil(resetTime);
      setResponseHeader(c, 'ratelimit-policy', policy);
      setResponseHeader(c, 'ratelimit-limit', limitText);
      setResponseHeader(c, 'ratelimit-remaining', String(Math.max(limit - totalHits, 0)));
      if (reset) setResponseHeader(c, 'ratelimit-reset', String(reset));
    }
    if (totalHits > limit) {
      if (!c.finalized) setResponseHeader(c, 'retry-after', String(secondsUntil(resetTime) ?? WINDOW_SECONDS));
      throw new KefuError('rate_limited', `Too many requests: the limit is ${limit} per minute per client`, { status: 429 });
    }
    await next();
  };
}
