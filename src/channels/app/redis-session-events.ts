import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRenewedSubscriber } from '../../redis-subscriber.ts';
import type { StoredMessage } from '../../contracts/conversation-store.ts';
import type { SessionEvents } from '../../contracts/session-events.ts';

export interface RedisSessionEventsOptions {
  /** KEFU_REDIS_URL. Two connections are opened: one publishes, one subscribes. */
  url: string;
  /** Channel namespace. Default `kefu`: the channel is `<prefix>:session-events`. */
  prefix?: string;
  logger?: { warn(details: Record<string, unknown>, message: string): void };
}

export interface RedisSessionEvents extends SessionEvents {
  /** Resolves once the subscription is live, so messages other nodes publish from then on arrive. */
  ready(): Promise<void>;
  /** Unsubscribes and closes both connections. */
  close(): Promise<void>;
}

interface Envelope {
  origin: string;
  sessionId: string;
  message: StoredMessage;
}

/**
 * `SessionEvents` for a multi-node install: a message stored on one node reaches sockets on every
 * node through Redis pub/sub. Local listeners hear a local publish at once, as with
 * `createSessionEvents()`; the copy that comes back from Redis is dropped by its origin id, so no
 * listener hears a message twice. Pub/sub is fire-and-forget: a node that is disconnected from
 * Redis when a message is published misses it, and the socket's store poll delivers it instead.
 */
export function createRedisSessionEvents(options: RedisSessionEventsOptions): RedisSessionEvents {
  const channel = `${options.prefix ?? 'kefu'}:session-events`;
  const origin = randomUUID();
  const listeners = new Set<(sessionId: string, message: StoredMessage) => void>();
  const publisher = new Redis(options.url);
  // Failures surface through publish's promise; without a listener ioredis prints each reconnect error.
  publisher.on('error', () => {});
  const deliver = (sessionId: string, message: StoredMessage) => {
    for (const listener of listeners) listener(sessionId, message);
  };

  const notSubscribed = (err: unknown) => options.logger?.warn({ err, channel }, 'could not subscribe to session events; other nodes are heard through the store poll only');
  const subscriber = createRenewedSubscriber(options.url, channel, (subscribing) => subscribing.catch(notSubscribed));
  subscriber.redis.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch (err) {
      options.logger?.warn({ err }, 'dropped a session event that is not JSON');
      return;
    }
    if (envelope.origin === origin || typeof envelope.sessionId !== 'string') return;
    deliver(envelope.sessionId, envelope.message);
  });
  const subscribed = subscriber.subscribe();
  subscribed.catch(notSubscribed);

  return {
    publish(sessionId, message) {
      deliver(sessionId, message);
      const envelope: Envelope = { origin, sessionId, message };
      publisher.publish(channel, JSON.stringify(envelope)).catch((err: unknown) =>
        options.logger?.warn({ err, sessionId }, 'could not publish a session event; other nodes get it from the store poll'),
      );
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready: () => subscribed,
    async close() {
      subscriber.stop();
      listeners.clear();
      await Promise.all([publisher.quit().catch(() => publisher.disconnect()), subscriber.redis.quit().catch(() => subscriber.redis.disconnect())]);
    },
  };
}
