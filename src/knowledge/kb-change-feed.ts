import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRenewedSubscriber } from '../redis-subscriber.ts';

/**
 * Tells the other nodes that the shared knowledge base changed, so each one reads the changes
 * into its replica at once instead of at its next poll. The message carries nothing but the
 * sender: what changed is read from the shared store, in commit order.
 */
export interface KbChangeFeed {
  announce(): void;
  /** `listener` runs on another node's announcement, and after a reconnect (announcements may have been missed). */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface RedisKbChangeFeedOptions {
  /** KEFU_REDIS_URL. Two connections: one publishes, one subscribes. */
  url: string;
  /** Channel namespace. Default `kefu`: the channel is `<prefix>:kb:changes`. */
  prefix?: string;
  logger?: { warn(details: Record<string, unknown>, message: string): void };
}

/** Redis pub/sub: fire-and-forget, so the knowledge base also polls (and re-reads after a reconnect). */
export async function createRedisKbChangeFeed(options: RedisKbChangeFeedOptions): Promise<KbChangeFeed> {
  const channel = `${options.prefix ?? 'kefu'}:kb:changes`;
  const origin = randomUUID();
  const listeners = new Set<() => void>();
  const publisher = new Redis(options.url);
  // Failures surface through the commands' promises; without a listener ioredis prints each reconnect error.
  publisher.on('error', () => {});
  const notify = () => {
    for (const listener of listeners) listener();
  };
  // After a reconnect: subscribed again first, then the listeners re-read what they may have missed.
  const subscriber = createRenewedSubscriber(options.url, channel, (subscribing) =>
    subscribing
      .catch((err: unknown) => options.logger?.warn({ err }, 'knowledge base: could not subscribe again after a reconnect; other nodes\' changes arrive with the poll'))
      .then(notify),
  );
  subscriber.redis.on('message', (from: string, text: string) => {
    if (from === channel && text !== origin) notify();
  });
  try {
    await subscriber.subscribe();
  } catch (err) {
    options.logger?.warn({ err }, 'knowledge base: could not subscribe to change announcements; other nodes\' changes arrive with the poll');
  }
  return {
    announce() {
      publisher.publish(channel, origin).catch((err: unknown) => options.logger?.warn({ err }, 'knowledge base: could not announce a change; other nodes see it at their next poll'));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      subscriber.stop();
      listeners.clear();
      await Promise.all([publisher.quit().catch(() => publisher.disconnect()), subscriber.redis.quit().catch(() => subscriber.redis.disconnect())]);
    },
  };
}
