import { Redis } from 'ioredis';
import type { WecomDedupe } from './wecom-dedupe.ts';

export interface RedisWecomDedupeOptions {
  /** KEFU_REDIS_URL: every node behind the callback URL dedupes together. */
  url: string;
  /** Key namespace. Default `kefu`: keys are `<prefix>:wecom:delivery:<key>`. */
  prefix?: string;
  /** Default one hour. */
  ttlMs?: number;
  now?: () => number;
  logger?: { warn(details: Record<string, unknown>, message: string): void };
}

export interface RedisWecomDedupe extends WecomDedupe {
  close(): Promise<void>;
}

// Claimed when absent or older than the TTL by the caller's clock, in one step on the server, so
// two nodes given the same delivery at once cannot both claim it. PX lets Redis forget it too.
const CLAIM = `
local seen = redis.call('GET', KEYS[1])
if seen and tonumber(seen) >= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
`;

/**
 * WeCom deliveries seen by any node of a cluster: WeCom retries a callback it got no answer to,
 * and nginx may send the retry to another node, which must not answer it again. When Redis cannot
 * be reached the delivery is answered (a possible repeat beats a customer left without a reply).
 */
export function createRedisWecomDedupe(options: RedisWecomDedupeOptions): RedisWecomDedupe {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const prefix = `${options.prefix ?? 'kefu'}:wecom:delivery:`;
  const redis = new Redis(options.url, { maxRetriesPerRequest: 2 });
  // Failures surface through the commands' promises; without a listener ioredis prints each reconnect error.
  redis.on('error', () => {});
  return {
    retentionMs: ttlMs,
    async firstTime(key) {
      const at = now();
      try {
        return (await redis.eval(CLAIM, 1, prefix + key, at, at - ttlMs, ttlMs)) === 1;
      } catch (err) {
        options.logger?.warn({ err }, 'wecom: the shared dedupe is unreachable; answering the delivery');
        return true;
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
