import { Redis } from 'ioredis';
import type { ClientRateLimitInfo, HonoConfigType } from 'hono-rate-limiter';
import type { Env } from 'hono';
import type { RateLimitStore } from '../contracts/rate-limit-store.ts';

export interface RedisRateLimitStoreOptions {
  /** KEFU_REDIS_URL; the store opens its own fail-fast connection (a command fails after one reconnect try or 1 s). */
  url?: string;
  /** An existing client instead of `url`; never quit by the store. */
  redis?: Redis;
  /** Key namespace. Default `kefu:rl:`. */
  prefix?: string;
  /**
   * When Redis cannot be reached, let requests through (true, the default: chat stays up and
   * limits come back with Redis) or fail them (false: the limiter's error reaches the error handler).
   */
  failOpen?: boolean;
  logger?: { warn(details: Record<string, unknown>, message: string): void };
}

// A fixed window per key: the first hit of a window sets its expiry, so every node counts into
// the same window and sees the same reset time. KEYS[1] key; ARGV[1] windowMs.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if hits == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}
`;
const DECREMENT = `
if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
`;

/**
 * A `hono-rate-limiter` store shared by every node through Redis: `rateLimiter({ store, ... })`
 * counts a client's hits in one Redis key (INCR and PEXPIRE in one Lua script), so the limit holds
 * for the whole install rather than per node.
 */
export function createRedisRateLimitStore<E extends Env = Env>(options: RedisRateLimitStoreOptions): RateLimitStore<E> {
  const owns = options.redis === undefined;
  const redis =
    options.redis ??
    (options.url
      ? new Redis(options.url, { maxRetriesPerRequest: 1, commandTimeout: 1000 })
      : (() => {
          throw new Error('createRedisRateLimitStore needs `url` (set KEFU_REDIS_URL) or `redis`');
        })());
  // Errors surface through commands; without a listener ioredis prints every reconnect failure.
  if (owns) redis.on('error', () => {});
  const prefix = options.prefix ?? 'kefu:rl:';
  const failOpen = options.failOpen ?? true;
  let windowMs = 60_000;

  const failed = (err: unknown, key: string): ClientRateLimitInfo => {
    if (!failOpen) throw err;
    options.logger?.warn({ err, key }, 'rate limit store unreachable; letting the request through');
    return { totalHits: 0, resetTime: new Date(Date.now() + windowMs) };
  };

  return {
    prefix,
    localKeys: false,
    init(config: HonoConfigType<E>) {
      windowMs = config.windowMs;
    },
    async get(key) {
      const [hits, ttl] = await Promise.all([redis.get(prefix + key), redis.pttl(prefix + key)]);
      if (hits === null) return undefined;
      return { totalHits: Number(hits), resetTime: new Date(Date.now() + Math.max(ttl, 0)) };
    },
    async increment(key) {
      try {
        const [hits, ttl] = (await redis.eval(INCREMENT, 1, prefix + key, windowMs)) as [number, number];
        return { totalHits: hits, resetTime: new Date(Date.now() + ttl) };
      } catch (err) {
        return failed(err, key);
      }
    },
    async decrement(key) {
      try {
        await redis.eval(DECREMENT, 1, prefix + key);
      } catch (err) {
        failed(err, key);
      }
    },
    async resetKey(key) {
      await redis.del(prefix + key);
    },
    async close() {
      if (owns) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
